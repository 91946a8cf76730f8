using AssignBridge.Commands.Slack;
using AssignBridge.Commands.Teams;

namespace AssignBridge.Commands;

internal static class CommandsExtensions
{
    public static IServiceCollection AddCommands(this IServiceCollection services)
    {
        services.AddSingleton<CommandRunner>();

        // The verifiers read their secrets from configuration (Key Vault references on Azure), never from options.
        services.AddSingleton(sp => new SlackSignatureVerifier(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new TeamsSignatureVerifier(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton<SlackFollowUp>();
        services.AddSingleton<Journal.IDeliveryFollowUp>(sp => sp.GetRequiredService<SlackFollowUp>());
        services.AddHttpClient(SlackFollowUp.HttpClientName, http =>
        {
            http.Timeout = TimeSpan.FromSeconds(10);
            http.DefaultRequestHeaders.UserAgent.ParseAdd("AssignBridge/1.0");
        }).RemoveAllLoggers(); // the default handlers would log the response_url, which grants posting to the channel
        return services;
    }

    public static IEndpointRouteBuilder MapCommands(this IEndpointRouteBuilder app)
    {
        app.MapPost(SlackEndpoints.Route, SlackEndpoints.PostAsync).WithName("PostSlackCommand");
        app.MapPost(TeamsEndpoints.Route, TeamsEndpoints.PostAsync).WithName("PostTeamsCommand");
        return app;
    }
}

using AssignBridge.Delivery;









namespace AssignBridge.Commands.Slack;

internal static class SlackExtensions
{
    public static IServiceCollection AddSlackCommand(this IServiceCollection services)
    {
        // The verifier reads its secrets from configuration (Key Vault references on Azure), never from options.
        services.AddSingleton(sp => new SlackSignatureVerifier(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<SlackFollowUp>();
        services.AddSingleton<IDeliveryFollowUp>(sp => sp.GetRequiredService<SlackFollowUp>());
        services.AddHttpClient(SlackFollowUp.HttpClientName, http =>
        {
            http.Timeout = TimeSpan.FromSeconds(10);
            http.DefaultRequestHeaders.UserAgent.ParseAdd("AssignBridge/1.0");
        }).RemoveAllLoggers(); // the default handlers would log the response_url, which grants posting to the channel
        return services;
    }

    public static IEndpointRouteBuilder MapSlackCommand(this IEndpointRouteBuilder app)
    {
        app.MapPost(SlackEndpoints.Route, SlackEndpoints.PostAsync).WithName("PostSlackCommand");
        return app;
    }
}

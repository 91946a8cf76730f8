


namespace AssignBridge.Commands.Teams;

internal static class TeamsExtensions
{
    public static IServiceCollection AddTeamsCommand(this IServiceCollection services)
    {
        // The verifier reads its secrets from configuration (Key Vault references on Azure), never from options.
        services.AddSingleton(sp => new TeamsSignatureVerifier(sp.GetRequiredService<IConfiguration>()));
        return services;
    }

    public static IEndpointRouteBuilder MapTeamsCommand(this IEndpointRouteBuilder app)
    {
        app.MapPost(TeamsEndpoints.Route, TeamsEndpoints.PostAsync).WithName("PostTeamsCommand");
        return app;
    }
}

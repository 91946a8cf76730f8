using AssignBridge.Admin;
using AssignBridge.AssignmentsApi;
using AssignBridge.Commands.Slack;
using AssignBridge.Commands.Teams;
using AssignBridge.Health;
using AssignBridge.Sources;









namespace AssignBridge.Hosting;

// The standalone app (no Functions host: local runs, tests, a container): configuration, the same services as the
// Functions app, then the same handlers mapped as routes. Tests build it the same way, on a free port.
internal static class AssignBridgeApp
{
    public static WebApplication Build(string[] args, Action<IServiceCollection>? overrideServices = null)
    {
        // The content root is the app's own folder, wherever it is started from.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.ListenStandalone();
        builder.Services.AddAssignBridge(builder.Configuration);
        builder.Services.AddStandaloneHosting();
        overrideServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseAssignBridgeErrors();
        MapRoutes(app);
        return app;
    }

    /// <summary>Every public route; <see cref="Functions"/> holds one function for each (a test compares them).</summary>
    public static IEndpointRouteBuilder MapRoutes(IEndpointRouteBuilder app)
    {
        app.MapHealth();
        app.MapWebhooks();
        app.MapAssignments();
        app.MapSlackCommand();
        app.MapTeamsCommand();
        app.MapPeopleAdmin();
        app.MapJournalAdmin();
        app.MapAudit();
        return app;
    }
}

using AssignBridge.Assignments;
using AssignBridge.Audit;
using AssignBridge.Commands;
using AssignBridge.Journal;
using AssignBridge.People;
using AssignBridge.Reconciliation;
using AssignBridge.Sources;

namespace AssignBridge.Hosting;

/// <summary>The whole app in one place: configuration, services, then routes. Tests build it the same way, on a free port.</summary>
internal static class AssignBridgeApp
{
    public static WebApplication Build(string[] args, Action<IServiceCollection>? overrideServices = null)
    {
        // The content root is the app's own folder: the Functions host may start the executable from elsewhere.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.ListenWhereTheHostExpects();
        builder.Services.AddAssignBridge(builder.Configuration);
        overrideServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseAssignBridgeErrors();
        app.MapHosting();
        app.MapWebhooks();
        app.MapAssignments();
        app.MapCommands();
        app.MapPeopleAdmin();
        app.MapReconcile();
        app.MapJournalAdmin();
        app.MapAudit();
        return app;
    }
}

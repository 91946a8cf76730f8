using AssignBridge.Admin;
using AssignBridge.AssignmentsApi;
using AssignBridge.Commands.Slack;
using AssignBridge.Commands.Teams;
using AssignBridge.Commands;
using AssignBridge.Delivery;
using AssignBridge.Health;
using AssignBridge.Kibana;
using AssignBridge.Platform.Http;
using AssignBridge.Platform.Queues;
using AssignBridge.Platform.Security;
using AssignBridge.Platform.Telemetry;
using AssignBridge.Reconciliation;
using AssignBridge.Sources;
using AssignBridge.Sources.Jira;
using AssignBridge.Sources.ServiceNow;
using AssignBridge.Sync;
using AssignBridge.Tickets;
using Microsoft.Extensions.Options;

namespace AssignBridge.Hosting;

internal static class HostingExtensions
{
    /// <summary>The Functions host's convention for local runs; the standalone app listens here when neither --urls nor ASPNETCORE_URLS says otherwise.</summary>
    public const int LocalPort = 7071;

    /// <summary>The argument the Functions host passes when it starts the worker (functions-isolated-worker.md "How the host starts the worker").</summary>
    public const string FunctionsHostArgument = "--functions-uri";

    /// <summary>True when the Functions host started this process: it passes <c>--functions-uri</c>; environment variables do not tell (the host's own are inherited).</summary>
    public static bool StartedByFunctionsHost(IEnumerable<string> args) =>
        args.Any(arg => arg.Equals(FunctionsHostArgument, StringComparison.OrdinalIgnoreCase) || arg.StartsWith(FunctionsHostArgument + "=", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// For <c>people …</c> and <c>audit …</c>, which were commands of this executable: where they are now. Null for
    /// any other arguments.
    /// </summary>
    public static string? MovedToTheTool(IReadOnlyList<string> args) => args is ["people" or "audit", ..]
        ? $"'{args[0]}' is a command of the assignbridge tool now, not of the bridge: run `assignbridge {string.Join(' ', args)}` " +
          "(install it from src/AssignBridge.Cli, README \"Administering the table\"), or `dotnet run --project src/AssignBridge.Cli -- " + string.Join(' ', args) + "`."
        : null;

    /// <summary>Standalone: on the URLs given (--urls, ASPNETCORE_URLS) or 127.0.0.1:7071, with an outer bound on every body.</summary>
    public static WebApplicationBuilder ListenStandalone(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls($"http://127.0.0.1:{LocalPort}");
        }

        // An outer bound for every route; each route reads its body with its own, smaller limit.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 16 * 1_024 * 1_024);
        return builder;
    }

    public static IServiceCollection AddAssignBridge(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<BadRequestBodyHandler>(); // a slow or broken body is the client's 408/400, never a 500
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJsonContext.Default);
            json.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
        });
        services.AddAssignBridgeCore(configuration); // the configuration checks, the core's sections and services
        services.AddAppOptions(); // the app's own sections (AppOptions.All lists every section)

        services.AddSingleton<IHostedService, StartupOptionsCheck>(); // every section checked before Kestrel listens

        services.AddSingleton<KibanaAccessCheck>();
        services.AddHostedService(sp => sp.GetRequiredService<KibanaAccessCheck>());

        services.AddAuthentication().AddAssignmentsTokens().AddAdminTokens();
        services.AddSingleton<KibanaBatcher>();
        services.AddSingleton<AssignmentService>();
        services.AddSingleton<DeliveryJournal>();
        services.AddSingleton<ManagedAssignees>();
        services.AddSingleton<EffectProjector>();
        services.AddHostedService(sp => sp.GetRequiredService<EffectProjector>()); // lets the rows being written finish on stop
        services.AddSingleton<DeliveryProcessor>();
        services.AddSingleton<DeliveryIntake>();
        services.AddSingleton<DeliveryQueue>();
        services.AddSingleton<DeliveryQueueHandler>();
        services.AddSingleton<DeliveryWork>();
        services.AddSingleton<IQueueWork>(sp => sp.GetRequiredService<DeliveryWork>());
        services.AddSingleton<ReconcileService>();
        services.AddTicketWriters(configuration); // Kibana → ticket: the Jira and ServiceNow assignee writers
        services.AddTwoWaySync();
        services.AddSingleton<Warmup>();
        services.AddHostedService(sp => sp.GetRequiredService<Warmup>());
        services.AddAssignBridgeHealthChecks();
        services.AddWebhookSources();
        services.AddCommands();
        services.AddSlackCommand();
        services.AddTeamsCommand();
        services.AddAssignBridgeTelemetry(configuration);
        return services;
    }

    // Two-way sync (docs/two-way-sync.md): each ticket source's switch, the links, the sweep the reconcile run calls,
    // the echo check of the webhooks, and the applier of the ticket writes the pipeline journals.
    private static IServiceCollection AddTwoWaySync(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            var jira = sp.GetRequiredService<IOptions<JiraOptions>>().Value;
            return new SourceSync(JiraEndpoints.Source, jira.SyncFromKibana, jira.SyncDryRun, jira.SyncAccount);
        });
        services.AddSingleton(sp =>
        {
            var serviceNow = sp.GetRequiredService<IOptions<ServiceNowOptions>>().Value;
            return new SourceSync(ServiceNowEndpoints.Source, serviceNow.SyncFromKibana, serviceNow.SyncDryRun, serviceNow.SyncAccount);
        });
        services.AddSingleton<TicketLinks>();
        services.AddSingleton<IAppliedEffectsObserver>(sp => sp.GetRequiredService<TicketLinks>());
        services.AddSingleton<TicketSyncSweep>();
        services.AddSingleton<EchoGuard>();
        services.AddSingleton<TicketSyncApplier>();
        services.AddSingleton<IDeliveryApplier>(sp => sp.GetRequiredService<TicketSyncApplier>());
        return services;
    }

    // What only a standalone process does, because under the Functions host the host does it: run reconciliation on
    // its schedule (the timer trigger) and feed the delivery queue to its handler (the queue trigger).
    public static IServiceCollection AddStandaloneHosting(this IServiceCollection services)
    {
        services.AddHostedService<QueuePollerService>();
        services.AddHostedService<ReconcileScheduler>();
        services.AddBearerTokenPolicies(AssignmentsEndpoints.TokenScheme, AdminAccess.Scheme);
        return services;
    }

    public static WebApplication UseAssignBridgeErrors(this WebApplication app)
    {
        // Unhandled failures become a bare problem answer: no stack trace, no exception text.
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}

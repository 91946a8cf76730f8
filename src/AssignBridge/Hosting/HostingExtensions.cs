using AssignBridge.Admin;
using AssignBridge.AssignmentsApi;
using AssignBridge.Commands.Slack;
using AssignBridge.Commands.Teams;
using AssignBridge.Commands;
using AssignBridge.Delivery;
using AssignBridge.Health;
using AssignBridge.Kibana;
using AssignBridge.People;
using AssignBridge.Platform.Caching;
using AssignBridge.Platform.Http;
using AssignBridge.Platform.Queues;
using AssignBridge.Platform.Security;
using AssignBridge.Platform.Telemetry;
using AssignBridge.Reconciliation;
using AssignBridge.Secrets;
using AssignBridge.Sources;
using Azure.Core;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

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
        ConfigurationGuard.Check(configuration);

        services.AddProblemDetails();
        services.AddExceptionHandler<BadRequestBodyHandler>(); // a slow or broken body is the client's 408/400, never a 500
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJsonContext.Default);
            json.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
        });
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<TokenCredential>(_ => new DefaultAzureCredential());

        services.AddAppOptions(); // every section bound and validated (AppOptions.All)

        services.AddSingleton<IHostedService, StartupOptionsCheck>(); // every section checked before Kestrel listens

        services.AddAssignBridgeAzureClients(configuration);
        services.AddSingleton(sp => new KibanaApiKeyProvider(
            sp.GetService<SecretClient>(), // registered only with KeyVault:Uri; without it the key comes from configuration
            configuration,
            sp.GetRequiredService<IOptions<KeyVaultOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<KibanaApiKeyProvider>>()));
        services.AddKeyedSingleton<IMemoryCache>(PeopleDirectory.CacheKey, (sp, _) =>
            BoundedMemoryCache.Create(sp.GetRequiredService<IOptions<PeopleOptions>>().Value.CacheSize, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<PeopleDirectory>();
        services.AddPeopleAdmin();

        services.AddTransient<KibanaAuthHandler>();
        var kibanaHttp = services.AddHttpClient<KibanaClient>((sp, http) =>
            {
                var kibana = sp.GetRequiredService<IOptions<KibanaOptions>>().Value;
                http.BaseAddress = WithTrailingSlash(kibana.Url!);
                http.Timeout = Timeout.InfiniteTimeSpan; // the resilience pipeline bounds each attempt and the whole call
                http.DefaultRequestHeaders.Add("kbn-xsrf", "true");
                http.DefaultRequestHeaders.Add("elastic-api-version", "2023-10-31");
                http.DefaultRequestHeaders.UserAgent.ParseAdd("AssignBridge/1.0");
            });

        // Handlers run in the order added: resilience outside, so each attempt gets the current key and its own 401 handling.
        kibanaHttp.AddResilienceHandler("kibana", (pipeline, context) =>
            {
                var kibana = context.ServiceProvider.GetRequiredService<IOptions<KibanaOptions>>().Value;
                pipeline.AddTimeout(TimeSpan.FromSeconds(kibana.TotalTimeoutSeconds));
                if (kibana.MaxRetries > 0)
                {
                    // Only what may pass: 408, 429 (honouring Retry-After), 5xx, connection errors and timeouts.
                    // 400, 401 and 403 are never retried here; the auth handler deals with a 401 once.
                    pipeline.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = kibana.MaxRetries,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        Delay = TimeSpan.FromMilliseconds(kibana.RetryBaseDelayMilliseconds),
                        MaxDelay = TimeSpan.FromSeconds(5),
                        ShouldRetryAfterHeader = true,
                    });
                }

                pipeline.AddTimeout(TimeSpan.FromSeconds(kibana.AttemptTimeoutSeconds));
            });
        services.AddTransient<KibanaTelemetryHandler>();
        services.AddSingleton<KibanaAccessCheck>();
        services.AddHostedService(sp => sp.GetRequiredService<KibanaAccessCheck>());
        kibanaHttp.AddHttpMessageHandler<KibanaAuthHandler>();
        kibanaHttp.AddHttpMessageHandler<KibanaTelemetryHandler>(); // innermost: one span and one sample per request sent

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
        services.AddSingleton<Warmup>();
        services.AddHostedService(sp => sp.GetRequiredService<Warmup>());
        services.AddAssignBridgeHealthChecks();
        services.AddWebhookSources();
        services.AddCommands();
        services.AddSlackCommand();
        services.AddTeamsCommand();
        services.AddAudit();
        services.AddAssignBridgeTelemetry(configuration);
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


    private static Uri WithTrailingSlash(Uri uri) =>
        uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}

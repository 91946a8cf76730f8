using AssignBridge.Queues;
using AssignBridge.Assignments;
using AssignBridge.Audit;
using AssignBridge.Commands;
using AssignBridge.Journal;
using AssignBridge.Kibana;
using AssignBridge.People;
using AssignBridge.Reconciliation;
using AssignBridge.Secrets;
using AssignBridge.Sources;
using AssignBridge.Telemetry;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Microsoft.AspNetCore.Http.HttpResults;
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

        services.AddOptions<KibanaOptions>().BindConfiguration(KibanaOptions.SectionName).ValidateGenerated<KibanaOptions, KibanaOptionsValidator>();
        services.AddOptions<KeyVaultOptions>().BindConfiguration(KeyVaultOptions.SectionName).ValidateGenerated<KeyVaultOptions, KeyVaultOptionsValidator>();
        services.AddOptions<PeopleOptions>().BindConfiguration(PeopleOptions.SectionName).ValidateGenerated<PeopleOptions, PeopleOptionsValidator>();
        services.AddOptions<AssignmentsOptions>().BindConfiguration(AssignmentsOptions.SectionName).ValidateGenerated<AssignmentsOptions, AssignmentsOptionsValidator>();
        services.AddOptions<JournalOptions>().BindConfiguration(JournalOptions.SectionName).ValidateGenerated<JournalOptions, JournalOptionsValidator>();
        services.AddOptions<ReconcileOptions>().BindConfiguration(ReconcileOptions.SectionName).ValidateGenerated<ReconcileOptions, ReconcileOptionsValidator>();
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateGenerated<StorageOptions, StorageOptionsValidator>();
        services.AddOptions<QueueOptions>().BindConfiguration(QueueOptions.SectionName).ValidateGenerated<QueueOptions, QueueOptionsValidator>();

        services.AddSingleton<IHostedService, StartupOptionsCheck>(); // every section checked before Kestrel listens

        services.AddSingleton(sp => CreateSecretClient(sp));
        services.AddSingleton(sp => new KibanaApiKeyProvider(
            sp.GetRequiredService<SecretClientHolder>().Client,
            configuration,
            sp.GetRequiredService<IOptions<KeyVaultOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<KibanaApiKeyProvider>>()));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<StorageOptions>>().Value.CreateTableServiceClient(sp.GetRequiredService<TokenCredential>()));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<StorageOptions>>().Value.CreateQueueServiceClient(sp.GetRequiredService<TokenCredential>()));
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
        kibanaHttp.AddHttpMessageHandler<KibanaAuthHandler>();
        kibanaHttp.AddHttpMessageHandler<KibanaTelemetryHandler>(); // innermost: one span and one sample per request sent

        services.AddSingleton<BearerTokenVerifier>();
        services.AddSingleton<KibanaBatcher>();
        services.AddSingleton<AssignmentService>();
        services.AddSingleton<DeliveryJournal>();
        services.AddSingleton<ManagedAssignees>();
        services.AddSingleton<DeliveryProcessor>();
        services.AddSingleton<DeliveryIntake>();
        services.AddSingleton<DeliveryQueue>();
        services.AddSingleton<DeliveryQueueHandler>();
        services.AddSingleton<DeliveryWork>();
        services.AddSingleton<IQueueWork>(sp => sp.GetRequiredService<DeliveryWork>());
        services.AddSingleton<ReconcileService>();
        services.AddSingleton<Warmup>();
        services.AddHostedService(sp => sp.GetRequiredService<Warmup>());
        services.AddSingleton<HealthChecks>();
        services.AddWebhookSources();
        services.AddCommands();
        services.AddAudit();
        services.AddAssignBridgeTelemetry(configuration);
        return services;
    }

    /// <summary>
    /// What only a standalone process does, because under the Functions host the host does it: run reconciliation on
    /// its schedule (the timer trigger) and feed the delivery queue to its handler (the queue trigger).
    /// </summary>
    public static IServiceCollection AddStandaloneHosting(this IServiceCollection services)
    {
        services.AddHostedService<QueuePollerService>();
        services.AddHostedService<ReconcileScheduler>();
        return services;
    }

    public static WebApplication UseAssignBridgeErrors(this WebApplication app)
    {
        // Unhandled failures become a bare problem answer: no stack trace, no exception text.
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/health", HealthAsync).WithName("GetHealth");
        return app;
    }

    /// <summary>Anonymous: the state of each dependency, always 200, never a secret.</summary>
    internal static async Task<Ok<HealthReport>> HealthAsync(HealthChecks checks, CancellationToken cancellationToken) =>
        TypedResults.Ok(await checks.RunAsync(cancellationToken));

    private static SecretClientHolder CreateSecretClient(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<KeyVaultOptions>>().Value;
        return new SecretClientHolder(options.Uri is null
            ? null
            : new SecretClient(options.Uri, services.GetRequiredService<TokenCredential>()));
    }

    private static Uri WithTrailingSlash(Uri uri) =>
        uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}

/// <summary>Holds the Key Vault client, or none for a local run, so that tests can replace it with one that trusts a local vault.</summary>
internal sealed record SecretClientHolder(SecretClient? Client);


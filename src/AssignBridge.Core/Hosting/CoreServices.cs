using AssignBridge.Audit;
using AssignBridge.Kibana;
using AssignBridge.Notifications;
using AssignBridge.People;
using AssignBridge.Platform.Caching;
using AssignBridge.Secrets;
using Azure.Core;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace AssignBridge.Hosting;

internal static class CoreServices
{
    /// <summary>
    /// The services of the core, as the app and the CLI both use them: the configuration checks, the core's settings
    /// sections, the Azure clients, the Kibana API key, the people directory and store, the Kibana client and the audit
    /// log. Nothing here starts anything or listens.
    /// </summary>
    public static IServiceCollection AddAssignBridgeCore(this IServiceCollection services, IConfiguration configuration)
    {
        ConfigurationGuard.Check(configuration);

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<TokenCredential>(_ => new DefaultAzureCredential());
        services.AddCoreOptions();
        services.AddAssignBridgeAzureClients(configuration);
        services.AddSingleton(sp => new KibanaApiKeyProvider(
            sp.GetService<SecretClient>(), // registered only with KeyVault:Uri; without it the key comes from configuration
            configuration,
            sp.GetRequiredService<IOptions<KeyVaultOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<KibanaApiKeyProvider>>()));
        services.AddSingleton(sp => new CachedSecrets( // the other named secrets (ticket API credentials), alike
            sp.GetService<SecretClient>(),
            configuration,
            sp.GetRequiredService<IOptions<KeyVaultOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>()));

        services.AddKeyedSingleton<IMemoryCache>(PeopleDirectory.CacheKey, (sp, _) =>
            BoundedMemoryCache.Create(sp.GetRequiredService<IOptions<PeopleOptions>>().Value.CacheSize, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<PeopleDirectory>();
        services.AddSingleton(sp =>
        {
            // Writes through the store make the directory's cache forget the keys, forward and reverse.
            var directory = sp.GetRequiredService<PeopleDirectory>();
            return new PeopleStore(directory.Table, sp.GetRequiredService<TimeProvider>(), directory.Invalidate, directory.InvalidateUid);
        });

        services.AddKibanaClient();
        services.AddSingleton<AuditLog>();
        services.AddNotifications();
        return services;
    }

    private static void AddKibanaClient(this IServiceCollection services)
    {
        services.AddTransient<KibanaAuthHandler>();
        services.AddTransient<KibanaTelemetryHandler>();
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
    }

    private static Uri WithTrailingSlash(Uri uri) =>
        uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}

using System.Data.Common;
using System.Diagnostics;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Options;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AssignBridge.Platform.Telemetry;

/// <summary>
/// The app's own telemetry switches. Where traces, metrics and logs go is set by <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c>
/// (Azure Monitor) or <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (an OTLP collector), outside this section.
/// </summary>
internal sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>Writes traces, metrics and logs to stdout when no other exporter is configured. Off by default (it is loud).</summary>
    public bool Console { get; set; }

    /// <summary>Probes, once Kestrel listens, whether the Kibana key may assign alerts (a request that changes nothing); /api/health reports it as <c>checks.kibanaAccess</c>.</summary>
    public bool StartupCheck { get; set; } = true;
}

/// <summary>Two switches, each valid either way: registered so that the section is in the one list of options like the others.</summary>
internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options) => ValidateOptionsResult.Success;
}

internal static class TelemetryExtensions
{
    public const string AzureMonitorSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string AzureMonitorAuthenticationSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";
    public const string OtlpSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    // Traces, metrics and logs through OpenTelemetry: to Azure Monitor when APPLICATIONINSIGHTS_CONNECTION_STRING
    // is set, to an OTLP collector when OTEL_EXPORTER_OTLP_ENDPOINT is, to the console only when
    // Telemetry:Console=true. With none of them the SDK is not registered at all, and the spans and metrics
    // still reach any in-process listener. Exporters start in the background: nothing here delays GET /.
    public static IServiceCollection AddAssignBridgeTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IStartupFilter, InvocationIdStartupFilter>();

        var azureMonitor = configuration[AzureMonitorSetting];
        var otlp = configuration[OtlpSetting];
        var console = configuration.GetValue<bool>($"{TelemetryOptions.SectionName}:{nameof(TelemetryOptions.Console)}");
        if (string.IsNullOrWhiteSpace(azureMonitor) && string.IsNullOrWhiteSpace(otlp) && !console)
        {
            return services;
        }

        var azureMonitorCredential = default(DefaultAzureCredential);
        if (!string.IsNullOrWhiteSpace(azureMonitor))
        {
            CheckAzureMonitorConnectionString(azureMonitor);
            azureMonitorCredential = AzureMonitorCredential(configuration);
        }

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(AssignBridgeTelemetry.Name, serviceVersion: "1.0"))
            .WithTracing(tracing =>
            {
                tracing.AddSource(AssignBridgeTelemetry.Name)
                    .AddAspNetCoreInstrumentation(o => o.Filter = context => context.Request.Path != "/") // the host's readiness polls are noise
                    .AddHttpClientInstrumentation(o => o.EnrichWithHttpRequestMessage = (activity, request) =>
                    {
                        if (IsCapabilityUrl(request.RequestUri))
                        {
                            activity.SetTag("url.full", $"{request.RequestUri!.Scheme}://{request.RequestUri.Authority}/…");
                        }
                    });
                Export(() => tracing.AddAzureMonitorTraceExporter(AzureMonitor), () => tracing.AddOtlpExporter(), () => tracing.AddConsoleExporter());
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(AssignBridgeTelemetry.Name)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation();
                Export(() => metrics.AddAzureMonitorMetricExporter(AzureMonitor), () => metrics.AddOtlpExporter(), () => metrics.AddConsoleExporter());
            })
            .WithLogging(
                logging => Export(() => logging.AddAzureMonitorLogExporter(AzureMonitor), () => logging.AddOtlpExporter(), () => logging.AddConsoleExporter()),
                options =>
                {
                    // The DeliveryId and Source scope of DeliveryIntake and DeliveryProcessor travel with every record.
                    options.IncludeScopes = true;
                    options.IncludeFormattedMessage = true;
                });
        return services;

        void AzureMonitor(AzureMonitorExporterOptions options) => (options.ConnectionString, options.Credential) = (azureMonitor, azureMonitorCredential);

        // Each signal to Azure Monitor and/or OTLP as configured; to the console only when neither is.
        void Export(Action toAzureMonitor, Action toOtlp, Action toConsole)
        {
            if (!string.IsNullOrWhiteSpace(azureMonitor))
            {
                toAzureMonitor();
            }

            if (!string.IsNullOrWhiteSpace(otlp))
            {
                toOtlp();
            }

            if (console && string.IsNullOrWhiteSpace(azureMonitor) && string.IsNullOrWhiteSpace(otlp))
            {
                toConsole();
            }
        }
    }

    // Stops the start-up when APPLICATIONINSIGHTS_CONNECTION_STRING is not a connection string, naming the setting.
    // The exporter parses and validates it itself, but its message quotes the value, so only the setting is named here.
    private static void CheckAzureMonitorConnectionString(string connectionString)
    {
        try
        {
            using var exporter = new AzureMonitorTraceExporter(new AzureMonitorExporterOptions { ConnectionString = connectionString, DisableOfflineStorage = true });
        }
        catch (Exception exception) when (exception is InvalidOperationException or ArgumentException)
        {
            throw new InvalidOperationException(
                $"{AzureMonitorSetting} is not a valid Application Insights connection string (InstrumentationKey=<key>;IngestionEndpoint=https://<region>.in.applicationinsights.azure.com/; the value is not shown).");
        }
    }

    // An Entra credential when APPLICATIONINSIGHTS_AUTHENTICATION_STRING says Authorization=AAD (infra turns
    // Application Insights' local auth off; the app's identity publishes), else none (the connection string's key).
    // The exporter does not read that setting (the Functions host does, for its own telemetry).
    private static DefaultAzureCredential? AzureMonitorCredential(IConfiguration configuration)
    {
        var authentication = new DbConnectionStringBuilder();
        try
        {
            authentication.ConnectionString = configuration[AzureMonitorAuthenticationSetting] ?? "";
        }
        catch (ArgumentException)
        {
            throw new InvalidOperationException($"{AzureMonitorAuthenticationSetting} is not a list of key=value pairs (for example Authorization=AAD;ClientId=<client id>).");
        }

        if (!(authentication.TryGetValue("Authorization", out var kind) && string.Equals(kind as string, "AAD", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        return new DefaultAzureCredential(new DefaultAzureCredentialOptions
        {
            ManagedIdentityClientId = (authentication.TryGetValue("ClientId", out var clientId) ? clientId as string : null) ?? configuration["AZURE_CLIENT_ID"],
        });
    }

    // URLs whose path is the credential: a Slack response_url or incoming webhook, a Teams (Office 365 or Power
    // Automate) incoming webhook. Their spans keep the host only.
    internal static bool IsCapabilityUrl(Uri? uri) =>
        uri is { IsAbsoluteUri: true } && (uri.Host.Equals("hooks.slack.com", StringComparison.OrdinalIgnoreCase)
            || uri.Host.EndsWith(".webhook.office.com", StringComparison.OrdinalIgnoreCase)
            || uri.Host.EndsWith(".logic.azure.com", StringComparison.OrdinalIgnoreCase)
            || uri.Host.EndsWith(".environment.api.powerplatform.com", StringComparison.OrdinalIgnoreCase));

    /// <summary>Tags the request's span with the Functions invocation id, whether or not the SDK is registered.</summary>
    private sealed class InvocationIdStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (Activity.Current is { } activity && context.Request.Headers.TryGetValue(AssignBridgeTelemetry.InvocationIdHeader, out var id) && id.Count > 0)
                {
                    var text = id.ToString();
                    activity.SetTag(AssignBridgeTelemetry.InvocationIdTag, text.Length <= 100 ? text : text[..100]);
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

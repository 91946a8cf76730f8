using System.Text.Json.Serialization;
using AssignBridge.Kibana;
using AssignBridge.People;
using AssignBridge.Platform.Telemetry;
using AssignBridge.Secrets;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AssignBridge.Health;

internal sealed record DependencyHealth(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("latencyMs")] long LatencyMs,
    [property: JsonPropertyName("detail")] string Detail);

/// <summary>The body of <c>GET /api/health</c>.</summary>
internal sealed record HealthAnswer(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("checks")] IReadOnlyDictionary<string, DependencyHealth> Checks,
    [property: JsonPropertyName("ready")] bool Ready = false,
    [property: JsonPropertyName("verdict")] string? Verdict = null);

// The state of each dependency: one health check each (run in parallel by the health check service, each bounded by
// Timeout), written as the answer of /api/health. The answer is always 200 (the process is
// alive); status says "healthy" or "degraded". Details name causes, never secrets.
internal static class HealthResponse
{
    public const string Table = "table";
    public const string KeyVault = "keyVault";
    public const string Kibana = "kibana";
    public const string KibanaAccess = "kibanaAccess";

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static IServiceCollection AddAssignBridgeHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<PeopleTableHealthCheck>(Table, timeout: Timeout)
            .AddCheck<KibanaApiKeyHealthCheck>(KeyVault, timeout: Timeout)
            .AddCheck<KibanaHealthCheck>(Kibana, timeout: Timeout)
            .AddCheck<KibanaAccessHealthCheck>(KibanaAccess, timeout: Timeout);
        return services;
    }

    /// <summary>Runs the checks (the start-up check's verdict only while <c>Telemetry:StartupCheck</c> is on) and writes the answer.</summary>
    public static async Task<HealthAnswer> CheckAsync(HealthCheckService health, KibanaAccessCheck access, CancellationToken cancellationToken) =>
        From(await health.CheckHealthAsync(registration => registration.Name != KibanaAccess || access.Enabled, cancellationToken));

    public static HealthAnswer From(HealthReport report)
    {
        var checks = new Dictionary<string, DependencyHealth>(StringComparer.Ordinal);
        foreach (var (name, entry) in report.Entries)
        {
            checks[name] = Describe(entry);
        }

        var (ready, verdict) = Readiness.Judge(checks);
        return new HealthAnswer(checks.Values.All(c => c.Status != DependencyStatus.Failing) ? "healthy" : "degraded", checks, ready, verdict);
    }

    private static DependencyHealth Describe(HealthReportEntry entry)
    {
        // Degraded is what a check says while it has no verdict yet (the start-up check still running): not a failure.
        var status = entry.Status switch
        {
            HealthStatus.Healthy => DependencyStatus.Ok,
            HealthStatus.Degraded => AccessVerdict.Pending,
            _ => DependencyStatus.Failing,
        };
        var latency = entry.Data.TryGetValue(DependencyStatus.LatencyKey, out var measured) && measured is long ms ? ms : (long)entry.Duration.TotalMilliseconds;
        var detail = entry.Exception switch
        {
            null => entry.Description ?? "",
            OperationCanceledException => $"no answer within {Timeout.TotalSeconds:0} s", // the check's timeout
            var unexpected => $"the check failed with {unexpected.GetType().Name}", // never an unforeseen exception's message
        };
        return new DependencyHealth(status, latency, detail);
    }
}

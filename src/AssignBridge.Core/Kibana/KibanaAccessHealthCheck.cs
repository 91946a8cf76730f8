using AssignBridge.Platform.Telemetry;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AssignBridge.Kibana;

/// <summary>The start-up check's verdict (may the key assign alerts at all?), checked again when it is an old failure.</summary>
internal sealed class KibanaAccessHealthCheck(KibanaAccessCheck access) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var verdict = await access.CurrentAsync(cancellationToken);
        var status = verdict.Status switch
        {
            DependencyStatus.Ok => HealthStatus.Healthy,
            AccessVerdict.Pending => HealthStatus.Degraded,
            _ => HealthStatus.Unhealthy,
        };
        return new HealthCheckResult(status, verdict.Detail, data: new Dictionary<string, object> { [DependencyStatus.LatencyKey] = verdict.LatencyMs });
    }
}

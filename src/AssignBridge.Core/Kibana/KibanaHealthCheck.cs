using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AssignBridge.Kibana;

/// <summary>Health of Kibana: it answers <c>/api/status</c> with the key.</summary>
internal sealed class KibanaHealthCheck(KibanaClient kibana) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await kibana.CheckStatusAsync(cancellationToken);
            return HealthCheckResult.Healthy("Kibana answered /api/status with the key");
        }
        catch (Exception exception) when (exception is KibanaRequestException or Secrets.SecretUnavailableException)
        {
            return HealthCheckResult.Unhealthy(exception.Message);
        }
    }
}

using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AssignBridge.Secrets;

/// <summary>Health of the Kibana API key: it can be read from its source (Key Vault, or configuration for local runs).</summary>
internal sealed class KibanaApiKeyHealthCheck(KibanaApiKeyProvider keys) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await keys.GetAsync(cancellationToken);
            return HealthCheckResult.Healthy($"Kibana API key available from {keys.Source}");
        }
        catch (SecretUnavailableException exception)
        {
            return HealthCheckResult.Unhealthy(exception.Message);
        }
    }
}

using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AssignBridge.People;

/// <summary>Health of Table Storage: the people table answers a query.</summary>
internal sealed class PeopleTableHealthCheck(PeopleDirectory people) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return HealthCheckResult.Healthy(await people.ProbeAsync(cancellationToken));
        }
        catch (PeopleUnavailableException exception)
        {
            return HealthCheckResult.Unhealthy(exception.Message);
        }
    }
}

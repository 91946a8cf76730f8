using AssignBridge.Kibana;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AssignBridge.Health;

internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/health", HealthAsync).WithName("GetHealth");
        return app;
    }

    /// <summary>Anonymous: the state of each dependency, always 200, never a secret.</summary>
    internal static async Task<Ok<HealthAnswer>> HealthAsync(HealthCheckService health, KibanaAccessCheck access, CancellationToken cancellationToken) =>
        TypedResults.Ok(await HealthResponse.CheckAsync(health, access, cancellationToken));
}

using System.Diagnostics;
using System.Text.Json.Serialization;
using AssignBridge.Kibana;
using AssignBridge.People;
using AssignBridge.Platform.Telemetry;
using AssignBridge.Secrets;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AssignBridge.Health;

internal sealed record DependencyHealth(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("latencyMs")] long LatencyMs,
    [property: JsonPropertyName("detail")] string Detail);

internal sealed record HealthReport(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("checks")] IReadOnlyDictionary<string, DependencyHealth> Checks,
    [property: JsonPropertyName("ready")] bool Ready = false,
    [property: JsonPropertyName("verdict")] string? Verdict = null);

/// <summary>
/// The state of each dependency, checked in parallel with a short bound. The answer is always 200 (the process
/// is alive); <c>status</c> says "healthy" or "degraded". Details name causes, never secrets.
/// </summary>
internal sealed class HealthChecks(PeopleDirectory people, KibanaApiKeyProvider keys, KibanaClient kibana, KibanaAccessCheck access)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    public async Task<HealthReport> RunAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Bound);
        var table = MeasureAsync(TableAsync, timeout.Token);
        var keyVault = MeasureAsync(KeyAsync, timeout.Token);
        var kibanaCheck = MeasureAsync(KibanaAsync, timeout.Token);
        var checks = new Dictionary<string, DependencyHealth>(StringComparer.Ordinal)
        {
            ["table"] = await table,
            ["keyVault"] = await keyVault,
            ["kibana"] = await kibanaCheck,
        };
        if (access.Enabled && await access.CurrentAsync(timeout.Token) is var verdict) // the start-up check: may the key assign alerts at all?
        {
            checks["kibanaAccess"] = new DependencyHealth(verdict.Status, verdict.LatencyMs, verdict.Detail);
        }

        var (ready, why) = Readiness.Judge(checks);
        return new HealthReport(checks.Values.All(c => c.Status != DependencyStatus.Failing) ? "healthy" : "degraded", checks, ready, why);
    }

    private Task<string> TableAsync(CancellationToken cancellationToken) => people.ProbeAsync(cancellationToken);

    private async Task<string> KeyAsync(CancellationToken cancellationToken)
    {
        await keys.GetAsync(cancellationToken);
        return $"Kibana API key available from {keys.Source}";
    }

    private async Task<string> KibanaAsync(CancellationToken cancellationToken)
    {
        await kibana.CheckStatusAsync(cancellationToken);
        return "Kibana answered /api/status with the key";
    }

    private static async Task<DependencyHealth> MeasureAsync(Func<CancellationToken, Task<string>> check, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        string status;
        string detail;
        try
        {
            detail = await check(cancellationToken);
            status = DependencyStatus.Ok;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            (status, detail) = (DependencyStatus.Failing, $"no answer within {Bound.TotalSeconds:0} s");
        }
        catch (Exception exception) when (exception is KibanaRequestException or SecretUnavailableException or PeopleUnavailableException)
        {
            (status, detail) = (DependencyStatus.Failing, exception.Message);
        }

        return new DependencyHealth(status, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, detail);
    }
}

internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/health", HealthAsync).WithName("GetHealth");
        return app;
    }

    /// <summary>Anonymous: the state of each dependency, always 200, never a secret.</summary>
    internal static async Task<Ok<HealthReport>> HealthAsync(HealthChecks checks, CancellationToken cancellationToken) =>
        TypedResults.Ok(await checks.RunAsync(cancellationToken));
}

using System.Diagnostics;
using System.Text.Json.Serialization;
using AssignBridge.Kibana;
using AssignBridge.People;
using AssignBridge.Secrets;

namespace AssignBridge.Hosting;

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
internal sealed class HealthChecks(PeopleDirectory people, KibanaApiKeyProvider keys, KibanaClient kibana, Telemetry.KibanaAccessCheck access)
{
    public const string Ok = "ok";
    public const string Failing = "failing";
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

        var (ready, why) = Telemetry.Readiness.Judge(checks);
        return new HealthReport(checks.Values.All(c => c.Status != Failing) ? "healthy" : "degraded", checks, ready, why);
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
            status = Ok;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            (status, detail) = (Failing, $"no answer within {Bound.TotalSeconds:0} s");
        }
        catch (Exception exception) when (exception is KibanaRequestException or SecretUnavailableException or PeopleUnavailableException)
        {
            (status, detail) = (Failing, exception.Message);
        }

        return new DependencyHealth(status, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, detail);
    }
}

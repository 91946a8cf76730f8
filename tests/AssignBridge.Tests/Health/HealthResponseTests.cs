using AssignBridge.Health;
using AssignBridge.Kibana;
using AssignBridge.Platform.Telemetry;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AssignBridge.Tests;

/// <summary>The health report of the checks, written as the answer of /api/health.</summary>
public sealed class HealthResponseTests
{
    [Fact]
    public void From_EachOutcome_WrittenAsBefore()
    {
        var report = new HealthReport(new Dictionary<string, HealthReportEntry>
        {
            ["table"] = new(HealthStatus.Healthy, "table people answers", TimeSpan.FromMilliseconds(12), null, null),
            ["keyVault"] = new(HealthStatus.Unhealthy, "A timeout occurred while running check.", TimeSpan.FromSeconds(5), new OperationCanceledException(), null),
            ["kibana"] = new(HealthStatus.Unhealthy, "key=not-for-eyes", TimeSpan.FromMilliseconds(3), new InvalidOperationException("key=not-for-eyes"), null),
            ["kibanaAccess"] = new(HealthStatus.Degraded, "the start-up check has not finished yet", TimeSpan.FromMilliseconds(1), null, new Dictionary<string, object> { [DependencyStatus.LatencyKey] = 0L }),
        }, TimeSpan.FromSeconds(5));

        var answer = HealthResponse.From(report);

        Assert.Equal("degraded", answer.Status);
        Assert.Equal(["table", "keyVault", "kibana", "kibanaAccess"], answer.Checks.Keys);
        Assert.Equal(new DependencyHealth("ok", 12, "table people answers"), answer.Checks["table"]);
        Assert.Equal(new DependencyHealth("failing", 5000, "no answer within 5 s"), answer.Checks["keyVault"]);
        Assert.Equal(new DependencyHealth("failing", 3, "the check failed with InvalidOperationException"), answer.Checks["kibana"]);
        Assert.Equal(new DependencyHealth(AccessVerdict.Pending, 0, "the start-up check has not finished yet"), answer.Checks["kibanaAccess"]);
        Assert.False(answer.Ready);
        Assert.Equal("not ready: the Kibana API key cannot be read; Kibana does not answer with the key", answer.Verdict);
    }

    [Fact]
    public void From_AllHealthyAccessPending_HealthyAndReady()
    {
        var report = new HealthReport(new Dictionary<string, HealthReportEntry>
        {
            ["table"] = new(HealthStatus.Healthy, "ok", TimeSpan.Zero, null, null),
            ["kibanaAccess"] = new(HealthStatus.Degraded, "pending", TimeSpan.Zero, null, null),
        }, TimeSpan.Zero);

        var answer = HealthResponse.From(report);

        Assert.Equal("healthy", answer.Status);
        Assert.True(answer.Ready);
        Assert.Equal("ready; the Kibana privilege check has not finished yet", answer.Verdict);
    }
}

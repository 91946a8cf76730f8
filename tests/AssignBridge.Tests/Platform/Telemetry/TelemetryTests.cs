using System.Diagnostics.Metrics;
using System.Diagnostics;
using AssignBridge.Assignments;
using AssignBridge.Delivery;
using AssignBridge.Health;
using AssignBridge.Kibana;
using AssignBridge.People;
using AssignBridge.Platform.Telemetry;
using Azure;
using Microsoft.Extensions.Logging.Abstractions;

namespace AssignBridge.Tests;

public sealed class TelemetryTests
{
    [Theory]
    [InlineData("http://kibana:5601/api/detection_engine/signals/assignees", "assignees", "default")]
    [InlineData("http://kibana:5601/s/soc/api/detection_engine/signals/assignees", "assignees", "soc")]
    [InlineData("http://kibana:5601/s/emea-2/api/detection_engine/signals/search", "search", "emea-2")]
    [InlineData("http://kibana:5601/s/soc/internal/detection_engine/users/_find?searchTerm=alice", "users_find", "soc")]
    [InlineData("http://kibana:5601/api/status", "status", "default")]
    [InlineData("http://kibana:5601/s/soc/app/security", "other", "soc")]
    public void KibanaRoute_Describe_LowCardinalityRouteAndSpace(string url, string route, string space)
    {
        Assert.Equal((route, space), KibanaTelemetryHandler.Describe(new Uri(url)));
    }

    [Theory]
    [InlineData("https://hooks.slack.com/commands/T1/123/abc", true)]
    [InlineData("https://contoso.webhook.office.com/webhookb2/x@y/IncomingWebhook/z/w", true)]
    [InlineData("https://prod-00.westeurope.logic.azure.com/workflows/x/triggers/manual/paths/invoke?sig=s", true)]
    [InlineData("https://kibana.example.com/api/status", false)]
    [InlineData("https://vault.vault.azure.net/secrets/kibana-api-key", false)]
    public void CapabilityUrl_WebhookHosts_Recognised(string url, bool expected)
    {
        Assert.Equal(expected, TelemetryExtensions.IsCapabilityUrl(new Uri(url)));
    }

    [Fact]
    public void Delivery_Attempted_SpanTaggedAndCountersCounted()
    {
        var intent = new AssignmentIntent("api", "d-1", "SOC-1", [new AlertRef("default", "a-1")], [PersonRef.ForEmail("x@example.com")], [], "me");
        var measurements = new List<(string Name, long Value, string Tags)>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == AssignBridgeTelemetry.Name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            measurements.Add((instrument.Name, value, string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}")))));
        meters.Start();
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == AssignBridgeTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        var entry = new JournalEntry(intent, DeliveryStatus.Pending, 7, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null, "h", ETag.All);
        var outcome = new AssignmentOutcome(AssignmentStatus.Unmapped, [], [], [new UnresolvedPerson("jira:x", "add", "no mapping")], [], null);

        using (AssignBridgeTelemetry.Delivery(NullLogger.Instance, intent.Source, intent.DeliveryId, intent.Alerts.Count, "attempt"))
        {
            AssignBridgeTelemetry.Attempted(entry.Source, JournalEntry.StatusName(DeliveryStatus.Dead), outcome.Unresolved.Count);
        }

        var span = Assert.Single(spans, s => s.OperationName == "delivery.attempt" && (string?)s.GetTagItem("assignbridge.delivery_id") == "d-1");
        Assert.Equal("dead", span.GetTagItem("assignbridge.outcome"));
        Assert.Contains(measurements, m => m.Name == "assignbridge.deliveries.attempts" && m.Tags.Contains("outcome=dead", StringComparison.Ordinal) && m.Tags.Contains("source=api", StringComparison.Ordinal));
        Assert.Contains(measurements, m => m.Name == "assignbridge.deliveries.dead" && m.Value == 1);
        Assert.Contains(measurements, m => m.Name == "assignbridge.people.unmapped" && m.Value == 1);
    }

    [Theory]
    [InlineData(200, "ok", "may assign alerts in space 'soc'")]
    [InlineData(401, "failing", "Kibana refused the API key (401)")]
    [InlineData(403, "failing", "may not assign alerts in space 'soc' (403)")]
    [InlineData(404, "failing", "no assignees route")]
    [InlineData(0, "failing", "could not be checked")]
    [InlineData(503, "failing", "answered the probe with 503")]
    public void AccessCheck_Judge_NamesTheCause(int status, string expected, string detail)
    {
        var verdict = KibanaAccessCheck.Judge("soc", status, "Kibana's message");

        Assert.Equal(expected, verdict.Status);
        Assert.Contains(detail, verdict.Detail, StringComparison.Ordinal);
        Assert.Equal(status is 401 or 403 or 404 or 200, verdict.IsDefinite);
    }

    [Fact]
    public void AccessCheck_Judge_OldKibanaWithoutAlertsIndex_Ok()
    {
        var verdict = KibanaAccessCheck.Judge("soc", 404, "index_not_found_exception: no such index [.alerts-security.alerts-soc]");

        Assert.Equal("ok", verdict.Status);
    }

    [Fact]
    public void Readiness_PendingAccessCheck_ReadyAndSaysSo()
    {
        var checks = new Dictionary<string, DependencyHealth>
        {
            ["table"] = new("ok", 1, ""),
            ["kibanaAccess"] = new(AccessVerdict.Pending, 0, ""),
        };

        var (ready, verdict) = Readiness.Judge(checks);

        Assert.True(ready);
        Assert.Contains("has not finished", verdict, StringComparison.Ordinal);
    }

    [Fact]
    public void Readiness_TableAndAccessFailing_NotReadyNamingBoth()
    {
        var checks = new Dictionary<string, DependencyHealth>
        {
            ["table"] = new("failing", 1, ""),
            ["kibana"] = new("ok", 1, ""),
            ["kibanaAccess"] = new("failing", 1, ""),
        };

        var (ready, verdict) = Readiness.Judge(checks);

        Assert.False(ready);
        Assert.Contains("Table Storage cannot be used", verdict, StringComparison.Ordinal);
        Assert.Contains("may not assign alerts", verdict, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "audit", "alert", "default", "a" }, true)]
    [InlineData(new[] { "people", "list" }, true)]
    [InlineData(new[] { "--urls=http://127.0.0.1:0" }, false)]
    [InlineData(new string[0], false)]
    public void Program_PeopleAndAudit_PointToTheTool(string[] args, bool moved)
    {
        var message = AssignBridge.Hosting.HostingExtensions.MovedToTheTool(args);

        Assert.Equal(moved, message is not null);
        if (moved)
        {
            Assert.Contains($"assignbridge {string.Join(' ', args)}", message, StringComparison.Ordinal);
        }
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using AssignBridge.IntegrationTests.Infrastructure;
using AssignBridge.Journal;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AssignBridge.IntegrationTests.Bridge;

/// <summary>Nothing lost: every accepted delivery is journaled before any effect, redeliveries are recognised, and Reconcile finishes what Kibana refused for a while.</summary>
[Collection("azurite")]
public sealed class JournalTests(AzuriteFixture azurite)
{
    private static readonly Dictionary<string, string> FastRetries = new()
    {
        ["Journal:RetryBaseSeconds"] = "1",
        ["Kibana:MaxRetries"] = "0",
    };

    // The first back-off is at most Journal:RetryBaseSeconds (full jitter): past it, the delivery is due again.
    private static readonly TimeSpan PastTheFirstBackOff = TimeSpan.FromSeconds(1.2);

    [Fact]
    public async Task Redelivery_SameIdempotencyKey_AnsweredFromTheJournalWithoutASecondCall()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        var body = new { alertIds = new[] { "alert-1" }, add = new[] { "u_alice_0" } };

        using var first = await PostAsync(bridge, body, "delivery-1");
        using var second = await PostAsync(bridge, body, "delivery-1");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Contains("already applied", (await ReadAsync(second))["notes"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single(bridge.Kibana.State.Requests, r => r.Path.EndsWith("/signals/assignees", StringComparison.Ordinal));
        var entry = await JournalOf(bridge).GetAsync("api", "delivery-1");
        Assert.Equal(DeliveryStatus.Applied, entry!.Status);
        Assert.Equal(1, entry.Attempts);
    }

    [Fact]
    public async Task Redelivery_SameKeyDifferentBody_422()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        bridge.Kibana.State.SeedAlert("default", "alert-1");

        using var first = await PostAsync(bridge, new { alertIds = new[] { "alert-1" }, add = new[] { "u_alice_0" } }, "delivery-2");
        using var second = await PostAsync(bridge, new { alertIds = new[] { "alert-1" }, add = new[] { "u_bob_0" } }, "delivery-2");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, second.StatusCode);
        Assert.Equal(["u_alice_0"], bridge.Kibana.State.GetAssignees("default", "alert-1"));
    }

    [Fact]
    public async Task ConcurrentRedeliveries_OneEffect()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        var body = new { alertIds = new[] { "alert-1" }, add = new[] { "u_alice_0" } };

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostAsync(bridge, body, "delivery-3")));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted, r.StatusCode.ToString()));
        Assert.Single(bridge.Kibana.State.Requests, r => r.Path.EndsWith("/signals/assignees", StringComparison.Ordinal));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task KibanaDown_202ThenReconcileAppliesOnceKibanaIsBack()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var bridge = await BridgeHarness.StartAsync(azurite, FastRetries, time: time);
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        bridge.Kibana.State.Faults.FailNext(1, 503, "boom");

        using var accepted = await PostAsync(bridge, new { alertIds = new[] { "alert-1" }, add = new[] { "u_alice_0" } }, "delivery-4");
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Null(bridge.Kibana.State.GetAssignees("default", "alert-1"));

        time.Advance(PastTheFirstBackOff);
        var report = await ReconcileAsync(bridge);

        Assert.Equal(1, report["ReturnValue"]!["applied"]!.GetValue<int>());
        Assert.Equal(["u_alice_0"], bridge.Kibana.State.GetAssignees("default", "alert-1"));
        Assert.Equal(DeliveryStatus.Applied, (await JournalOf(bridge).GetAsync("api", "delivery-4"))!.Status);
        using var again = await PostAsync(bridge, new { alertIds = new[] { "alert-1" }, add = new[] { "u_alice_0" } }, "delivery-4");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task RetriesExhausted_DeadWithTheReason()
    {
        var settings = new Dictionary<string, string>(FastRetries) { ["Journal:MaxAttempts"] = "2" };
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var bridge = await BridgeHarness.StartAsync(azurite, settings, time: time);
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        bridge.Kibana.State.Faults.FailNext(100, 500, "siem");

        using var accepted = await PostAsync(bridge, new { alertIds = new[] { "alert-1" }, add = new[] { "u_alice_0" } }, "delivery-5");
        time.Advance(PastTheFirstBackOff);
        var report = await ReconcileAsync(bridge);

        Assert.Equal(1, report["ReturnValue"]!["dead"]!.GetValue<int>());
        var entry = await JournalOf(bridge).GetAsync("api", "delivery-5");
        Assert.Equal(DeliveryStatus.Dead, entry!.Status);
        Assert.Equal(2, entry.Attempts);
        Assert.Contains("Kibana 500", entry.LastError, StringComparison.Ordinal);
        using var again = await PostAsync(bridge, new { alertIds = new[] { "alert-1" }, add = new[] { "u_alice_0" } }, "delivery-5");
        Assert.Equal(HttpStatusCode.BadGateway, again.StatusCode);
    }

    [Fact]
    public async Task KibanaRejects_RejectedAtOnceAndNotRetried()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var bridge = await BridgeHarness.StartAsync(azurite, FastRetries, time: time);
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        bridge.Kibana.State.Faults.FailNext(1, 400, "siem");

        using var response = await PostAsync(bridge, new { alertIds = new[] { "alert-1" }, add = new[] { "u_alice_0" } }, "delivery-6");
        time.Advance(PastTheFirstBackOff); // a rejected delivery would be due again by now if it were retried
        var report = await ReconcileAsync(bridge);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(DeliveryStatus.Rejected, (await JournalOf(bridge).GetAsync("api", "delivery-6"))!.Status);
        Assert.Equal(0, report["ReturnValue"]!["attempted"]!.GetValue<int>());
    }

    [Fact]
    public async Task SlowKibana_AnswerWithinTheDeadlineAndApplyLater()
    {
        // Kibana's latency is well past the inline deadline: the answer can only be the deadline's 202.
        var settings = new Dictionary<string, string>(FastRetries) { ["Journal:InlineDeadlineSeconds"] = "1" };
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var bridge = await BridgeHarness.StartAsync(azurite, settings, time: time);
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        bridge.Kibana.State.Faults.Latency = TimeSpan.FromSeconds(5);

        using var accepted = await PostAsync(bridge, new { alertIds = new[] { "alert-1" }, add = new[] { "u_alice_0" } }, "delivery-7");

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var entry = await JournalOf(bridge).GetAsync("api", "delivery-7");
        Assert.Equal(DeliveryStatus.Retrying, entry!.Status);
        Assert.Contains("out of time", entry.LastError, StringComparison.Ordinal);
        bridge.Kibana.State.Faults.Latency = TimeSpan.Zero;
        time.Advance(PastTheFirstBackOff);
        await ReconcileAsync(bridge);
        Assert.Equal(["u_alice_0"], bridge.Kibana.State.GetAssignees("default", "alert-1"));
    }

    [Fact]
    public async Task Reconcile_LeaseHeldByAnotherInstance_Skips()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        var table = JournalOf(bridge).Table;
        await table.CreateIfNotExistsAsync();
        await table.UpsertEntityAsync(new TableEntity("$lease", "reconcile") { ["Owner"] = "other", ["Until"] = DateTimeOffset.UtcNow.AddMinutes(5) });

        var report = await ReconcileAsync(bridge);

        Assert.False(report["ReturnValue"]!["ran"]!.GetValue<bool>());
        Assert.Contains("skipped", report["Logs"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reconcile_TimerPayloadWithOddTimestamps_AnswersJson()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        const string payload = """{"Data":{"timer":{"Schedule":{"AdjustForDST":true},"ScheduleStatus":{"Last":"not a date","Next":"2026-11-25T17:05:00Z","LastUpdated":"0001-01-01"},"IsPastDue":false}},"Metadata":{"sys":{"MethodName":"Reconcile","UtcNow":"2026-11-25T17:00:00Z","RandGuid":"3f1c"}}}""";

        using var content = new StringContent(payload, Encoding.UTF8, "application/json");
        using var response = await bridge.Client.PostAsync(new Uri("/Reconcile", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.NotNull(body["Outputs"]);
        Assert.True(body["ReturnValue"]!["ran"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("""{"Data":{"timer":{"Schedule":{"AdjustForDST":true},"ScheduleStatus":null,"IsPastDue":true}},"Metadata":{"sys":{"MethodName":"Reconcile","UtcNow":"2026-11-25T17:00:00Z","RandGuid":"3f1c"}}}""")]
    [InlineData("""{"Data":{"timer":"{\"Schedule\":{\"AdjustForDST\":true},\"ScheduleStatus\":null,\"IsPastDue\":false}"},"Metadata":{"sys":"{\"MethodName\":\"Reconcile\"}"}}""")]
    [InlineData("{}")]
    [InlineData("")]
    public async Task Reconcile_TimerPayloadShapes_AllAnsweredWithJson(string payload)
    {
        // functions-custom-handlers.md §3a: values may arrive double-encoded as JSON strings, ScheduleStatus may be null.
        await using var bridge = await BridgeHarness.StartAsync(azurite);

        using var content = new StringContent(payload, Encoding.UTF8, "application/json");
        using var response = await bridge.Client.PostAsync(new Uri("/Reconcile", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["ReturnValue"]);
    }

    private static DeliveryJournal JournalOf(BridgeHarness bridge) => bridge.Services.GetRequiredService<DeliveryJournal>();

    private static async Task<JsonNode> ReconcileAsync(BridgeHarness bridge)
    {
        using var content = new StringContent("""{"Data":{},"Metadata":{}}""", Encoding.UTF8, "application/json");
        using var response = await bridge.Client.PostAsync(new Uri("/Reconcile", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private static Task<HttpResponseMessage> PostAsync(BridgeHarness bridge, object body, string deliveryId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/assignments", UriKind.Relative)) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", deliveryId);
        return bridge.Client.SendAsync(request);
    }

    private static async Task<JsonNode> ReadAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
}

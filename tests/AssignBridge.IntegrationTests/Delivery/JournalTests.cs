using System.Net.Http.Json;
using System.Net;
using System.Text.Json.Nodes;
using AssignBridge.Delivery;
using AssignBridge.IntegrationTests.Functions;
using AssignBridge.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AssignBridge.IntegrationTests.Delivery;

/// <summary>Nothing lost: every accepted delivery is journaled before any effect, redeliveries are recognised, and the delivery queue (with the reconcile sweep behind it) finishes what Kibana refused for a while.</summary>
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

        Assert.Equal(1, report["applied"]!.GetValue<int>());
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

        Assert.Equal(1, report["dead"]!.GetValue<int>());
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
        Assert.Equal(0, report["attempted"]!.GetValue<int>());
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
    public async Task QueueMessageLost_TheSweepQueuesTheRowAgainAndItIsApplied()
    {
        // The message is gone (an instance stopped between journal write and enqueue, a queue write failed): the journal
        // row is still due, so the timer's sweep sends it again once it is overdue by the grace period.
        var settings = new Dictionary<string, string>(FastRetries) { ["Reconcile:RequeueGraceSeconds"] = "60" };
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var bridge = await BridgeHarness.StartAsync(azurite, settings, time: time);
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        bridge.Kibana.State.Faults.FailNext(1, 503, "boom");
        using var accepted = await PostAsync(bridge, new { alertIds = new[] { "alert-1" }, add = new[] { "u_alice_0" } }, "delivery-lost");
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        await bridge.Queue.Queue.ClearMessagesAsync();

        time.Advance(PastTheFirstBackOff);
        var withinGrace = await ReconcileAsync(bridge);
        time.Advance(TimeSpan.FromSeconds(60));
        var pastGrace = await ReconcileAsync(bridge);

        Assert.Equal(0, withinGrace["queued"]!.GetValue<int>());
        Assert.Equal(1, pastGrace["queued"]!.GetValue<int>());
        Assert.Equal(1, pastGrace["applied"]!.GetValue<int>());
        Assert.Equal(["u_alice_0"], bridge.Kibana.State.GetAssignees("default", "alert-1"));
        Assert.Equal(2, bridge.Kibana.State.Requests.Count(r => r.Path.EndsWith("/assignees", StringComparison.Ordinal))); // the failed first attempt and the one from the queue
    }

    [Fact]
    public async Task TimerFunction_PastDue_LoggedAndTheSweepRuns()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var bridge = await BridgeHarness.StartAsync(azurite, FastRetries, time: time);
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        bridge.Kibana.State.Faults.FailNext(1, 503, "boom");
        using var accepted = await PostAsync(bridge, new { alertIds = new[] { "alert-1" }, add = new[] { "u_alice_0" } }, "delivery-timer");
        await bridge.Queue.Queue.ClearMessagesAsync();
        time.Advance(PastTheFirstBackOff);

        await using (var context = new TestFunctionContext(bridge.Services, "Reconcile"))
        {
            await AssignBridge.Functions.BackgroundFunctions.ReconcileAsync(new Microsoft.Azure.Functions.Worker.TimerInfo { IsPastDue = true }, context);
        }

        Assert.Contains(bridge.Logs.Lines, line => line.Contains("past due", StringComparison.Ordinal));
        var drained = await bridge.DrainQueueAsync();
        Assert.Equal(DeliveryStatus.Applied, Assert.Single(drained)!.Status);
        Assert.Equal(["u_alice_0"], bridge.Kibana.State.GetAssignees("default", "alert-1"));
    }

    private static DeliveryJournal JournalOf(BridgeHarness bridge) => bridge.Services.GetRequiredService<DeliveryJournal>();

    private static Task<JsonNode> ReconcileAsync(BridgeHarness bridge) => bridge.ReconcileAsync();

    private static Task<HttpResponseMessage> PostAsync(BridgeHarness bridge, object body, string deliveryId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/assignments", UriKind.Relative)) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", deliveryId);
        return bridge.Client.SendAsync(request);
    }

    private static async Task<JsonNode> ReadAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
}

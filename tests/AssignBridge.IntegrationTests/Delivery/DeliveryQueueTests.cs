using System.Net.Http.Json;
using System.Net;
using System.Text.Json.Nodes;
using AssignBridge.Delivery;
using AssignBridge.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AssignBridge.IntegrationTests.Delivery;

/// <summary>
/// Queue-driven delivery against Azurite's queues through the real Azure.Storage.Queues client: what was not applied
/// inline is a message (its back-off the visibility delay), applied once Kibana is back without a second effect; a
/// delivery whose attempts are spent is dead with its message in the poison queue, and a replay puts it back.
/// </summary>
[Collection("azurite")]
public sealed class DeliveryQueueTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task KibanaDown_DeliveriesQueued_AppliedByThePollerOnceKibanaIsBack_OneEffectEach()
    {
        // The standalone poller, as a local run has it; back-offs of at most a second, so the messages come back soon.
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string>
        {
            ["Journal:RetryBaseSeconds"] = "1",
            ["Journal:RetryMaxSeconds"] = "2",
            ["Journal:MaxAttempts"] = "100",
            ["Kibana:MaxRetries"] = "0",
            ["Queue:Poll"] = "true",
        });
        const int deliveries = 12;
        for (var i = 0; i < deliveries; i++)
        {
            bridge.Kibana.State.SeedAlert("default", $"alert-{i}");
        }

        bridge.Kibana.State.Faults.FailNext(1_000, 503, "boom");
        for (var i = 0; i < deliveries; i++)
        {
            using var accepted = await PostAsync(bridge, $"alert-{i}", $"down-{i}");
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        Assert.All(Enumerable.Range(0, deliveries), i => Assert.Null(bridge.Kibana.State.GetAssignees("default", $"alert-{i}")));
        bridge.Kibana.State.Faults.Reset();

        // Every attempt logs its end after the journal holds it (event 4001): wait for all twelve to have ended applied.
        await bridge.Logs.WaitForAsync(lines => Enumerable.Range(0, deliveries).All(i => lines.Any(line => line.Contains("[4001]", StringComparison.Ordinal)
            && line.Contains($"Delivery down-{i} from", StringComparison.Ordinal) && line.Contains("ended applied", StringComparison.Ordinal))));
        var journal = bridge.Services.GetRequiredService<DeliveryJournal>();
        Assert.Equal(deliveries, (await journal.ListAsync(DeliveryStatus.Applied, "api", deliveries + 1)).Count);

        var accepted200 = bridge.Kibana.State.Requests.Where(r => r.Path.EndsWith("/signals/assignees", StringComparison.Ordinal) && r.Status == 200)
            .SelectMany(r => JsonNode.Parse(r.Body)!["ids"]!.AsArray().Select(id => id!.GetValue<string>()))
            .GroupBy(id => id, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        for (var i = 0; i < deliveries; i++)
        {
            Assert.Equal(1, accepted200.GetValueOrDefault($"alert-{i}"));
            Assert.Equal(["u_alice_0"], bridge.Kibana.State.GetAssignees("default", $"alert-{i}"));
        }
    }

    [Theory]
    [InlineData(503, false)] // Kibana down: held, made due at once when Kibana applies a request again
    [InlineData(429, true)] // Kibana asked for a wait: it is waited for
    public async Task KibanaBack_RetriesWaitingForItAreDueAtOnce_NotAfterTheirBackOff(int status, bool askedToWait)
    {
        await using var bridge = await StartWithStillClockAsync();
        bridge.Kibana.State.Faults.FailNext(1, status, "boom", askedToWait ? TimeSpan.FromSeconds(120) : null);

        using (var waiting = await PostAsync(bridge, "alert-1", "waits-1"))
        {
            Assert.Equal(HttpStatusCode.Accepted, waiting.StatusCode);
        }

        Assert.Equal(askedToWait ? 0 : 1, bridge.Queue.Held.Count);
        Assert.Empty(await bridge.DrainQueueAsync()); // hidden for its back-off

        // Another delivery applies: Kibana is back.
        using (var applied = await PostAsync(bridge, "alert-2", "applies-2"))
        {
            Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        }

        await bridge.Queue.Held.WhenReleasedAsync();
        var drained = await bridge.DrainQueueAsync();
        var journal = bridge.Services.GetRequiredService<DeliveryJournal>();
        if (askedToWait)
        {
            Assert.Empty(drained);
            Assert.Equal(DeliveryStatus.Retrying, (await journal.GetAsync("api", "waits-1"))!.Status);
            Assert.Null(bridge.Kibana.State.GetAssignees("default", "alert-1"));
        }
        else
        {
            Assert.Equal(DeliveryStatus.Applied, Assert.Single(drained)!.Status);
            Assert.Equal(DeliveryStatus.Applied, (await journal.GetAsync("api", "waits-1"))!.Status);
            Assert.Equal(["u_alice_0"], bridge.Kibana.State.GetAssignees("default", "alert-1"));
            Assert.Equal(0, bridge.Queue.Held.Count);
        }
    }

    [Fact]
    public async Task KibanaStillDown_NothingReleased_TheRetryKeepsItsBackOff()
    {
        await using var bridge = await StartWithStillClockAsync();
        bridge.Kibana.State.Faults.FailNext(2, 503, "boom");

        using (await PostAsync(bridge, "alert-1", "down-1"))
        using (await PostAsync(bridge, "alert-2", "down-2"))
        {
        }

        // Neither attempt applied a Kibana request: both wait out their back-off, and no attempt was spent early.
        Assert.Equal(2, bridge.Queue.Held.Count);
        await bridge.Queue.Held.WhenReleasedAsync();
        Assert.Empty(await bridge.DrainQueueAsync());
        var journal = bridge.Services.GetRequiredService<DeliveryJournal>();
        Assert.Equal(1, (await journal.GetAsync("api", "down-1"))!.Attempts);
    }

    [Fact]
    public async Task AttemptsSpent_DeadWithItsMessageInThePoisonQueue_ReplayAppliesOrQueuesAgain()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string>
        {
            ["Journal:RetryBaseSeconds"] = "1",
            ["Journal:MaxAttempts"] = "2",
            ["Kibana:MaxRetries"] = "0",
            ["Admin:Tokens:0"] = "queue-admin",
        }, time: time);
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        bridge.Kibana.State.Faults.FailNext(1_000, 500, "siem");

        using var accepted = await PostAsync(bridge, "alert-1", "poisoned-1");
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        time.Advance(TimeSpan.FromSeconds(1.2));
        var report = await bridge.ReconcileAsync();

        Assert.Equal(1, report["dead"]!.GetValue<int>());
        var journal = bridge.Services.GetRequiredService<DeliveryJournal>();
        Assert.Equal(DeliveryStatus.Dead, (await journal.GetAsync("api", "poisoned-1"))!.Status);
        var poisoned = (await bridge.Queue.Poison.PeekMessagesAsync(32)).Value;
        var message = DeliveryMessage.Parse(Assert.Single(poisoned).Body.ToString());
        Assert.Equal(("api", "poisoned-1"), (message!.Source, message.DeliveryId));

        // Replayed while Kibana still fails: attempted once and queued again (not dead: the attempts start over).
        using var admin = new HttpClient { BaseAddress = bridge.Client.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new("Bearer", "queue-admin");
        await bridge.Queue.Queue.ClearMessagesAsync();
        using (var replay = await admin.PostAsync(new Uri("/api/manage/journal/api/poisoned-1/replay", UriKind.Relative), null))
        {
            Assert.Equal("retrying", JsonNode.Parse(await replay.Content.ReadAsStringAsync())!["status"]!.GetValue<string>());
        }

        Assert.Equal(1, (await bridge.Queue.Queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);

        // Once Kibana is back, the queued retry applies it.
        bridge.Kibana.State.Faults.Reset();
        time.Advance(TimeSpan.FromSeconds(1.2));
        Assert.Equal(1, (await bridge.ReconcileAsync())["applied"]!.GetValue<int>());
        Assert.Equal(["u_alice_0"], bridge.Kibana.State.GetAssignees("default", "alert-1"));
    }

    [Fact]
    public async Task WaitingDeliverySentAgain_ItsMessageQueuedAgain_SoALostOneDoesNotWaitForTheSweep()
    {
        // A delivery whose message is gone (its first answer was a 503 because the journal write outlived the deadline,
        // yet landed; or a queue write failed): the sender's resend is answered from the journal and wakes it.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string>
        {
            ["Journal:RetryBaseSeconds"] = "1",
            ["Kibana:MaxRetries"] = "0",
            ["Reconcile:RequeueGraceSeconds"] = "3600",
        }, time: time);
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        bridge.Kibana.State.Faults.FailNext(1, 503, "boom");
        using (var first = await PostAsync(bridge, "alert-1", "resent-1"))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        }

        await bridge.Queue.Queue.ClearMessagesAsync();
        time.Advance(TimeSpan.FromSeconds(1.2)); // due now: the resend's message is visible at once
        using (var again = await PostAsync(bridge, "alert-1", "resent-1"))
        {
            Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        }

        var report = await bridge.ReconcileAsync(); // the sweep queues nothing within its grace; the resend's message does the work

        Assert.Equal(0, report["queued"]!.GetValue<int>());
        Assert.Equal(1, report["applied"]!.GetValue<int>());
        Assert.Equal(["u_alice_0"], bridge.Kibana.State.GetAssignees("default", "alert-1"));
    }

    [Fact]
    public async Task DuplicateMessages_OneAttemptOneEffect()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string> { ["Journal:RetryBaseSeconds"] = "1", ["Kibana:MaxRetries"] = "0" }, time: time);
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        bridge.Kibana.State.Faults.FailNext(1, 503, "boom");
        using var accepted = await PostAsync(bridge, "alert-1", "twice-1");
        time.Advance(TimeSpan.FromSeconds(1.2));
        bridge.Kibana.State.ClearRequests();

        for (var copy = 0; copy < 3; copy++)
        {
            await bridge.Queue.EnqueueAsync(new DeliveryMessage("api", "twice-1"), TimeSpan.Zero);
        }

        var drained = await bridge.DrainQueueAsync();

        Assert.Single(drained, r => r?.Handling == QueueHandling.Attempted);
        Assert.Single(bridge.Kibana.State.Requests, r => r.Path.EndsWith("/signals/assignees", StringComparison.Ordinal));
        Assert.Equal(["u_alice_0"], bridge.Kibana.State.GetAssignees("default", "alert-1"));
    }

    [Fact]
    public async Task Poller_MessageThatKeepsFailing_PoisonedAfterTheDequeueLimit_UnreadableOnePoisonedAtOnce()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string>
        {
            ["Queue:MaxDequeueCount"] = "2",
            ["Queue:VisibilityTimeoutSeconds"] = "0",
        }, configure: services => services.AddSingleton<IDeliveryFollowUp, FailingFollowUp>());
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        using var applied = await PostAsync(bridge, "alert-1", "fails-1");
        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);

        // The row has ended, so handling this message reports to its follow-up, which throws every time.
        await bridge.Queue.EnqueueAsync(new DeliveryMessage("api", "fails-1", FollowUp: new FollowUpNote(FailingFollowUp.Name, "x", DateTimeOffset.UtcNow.AddMinutes(5), null)), TimeSpan.Zero);
        await bridge.Queue.Queue.SendMessageAsync("not a delivery message");
        var drained = await bridge.DrainQueueAsync();

        Assert.All(drained, Assert.Null); // failed twice, then poisoned; the unreadable one poisoned without handling
        Assert.Equal(4, drained.Count);
        var poisoned = (await bridge.Queue.Poison.PeekMessagesAsync(32)).Value.Select(m => m.Body.ToString()).ToList();
        Assert.Equal(2, poisoned.Count);
        Assert.Contains("not a delivery message", poisoned);
        Assert.Contains(poisoned, body => DeliveryMessage.Parse(body)?.DeliveryId == "fails-1");
        Assert.Contains(bridge.Logs.Lines, line => line.Contains("went to the poison queue", StringComparison.Ordinal));
        Assert.Equal(0, (await bridge.Queue.Queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    private sealed class FailingFollowUp : IDeliveryFollowUp
    {
        public const string Name = "failing";

        public string Kind => Name;

        public Task ReportAsync(FollowUpNote note, JournalEntry entry, AttemptResult? attempt, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the follow-up failed");

        public Task ReportStillPendingAsync(FollowUpNote note, JournalEntry entry, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the follow-up failed");
    }

    private static Task<HttpResponseMessage> PostAsync(BridgeHarness bridge, string alertId, string deliveryId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/assignments", UriKind.Relative))
        {
            Content = JsonContent.Create(new { alertIds = new[] { alertId }, add = new[] { "u_alice_0" } }),
        };
        request.Headers.Add("Idempotency-Key", deliveryId);
        return bridge.Client.SendAsync(request);
    }

    // The clock stands still: nothing is due by its back-off (30 s and more, and Azurite hides the message as long).
    private async Task<BridgeHarness> StartWithStillClockAsync()
    {
        var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string>
        {
            ["Journal:RetryBaseSeconds"] = "30",
            ["Kibana:MaxRetries"] = "0",
            ["Queue:HeldRetries"] = "1000",
        }, time: new FakeTimeProvider(DateTimeOffset.UtcNow));
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        bridge.Kibana.State.SeedAlert("default", "alert-2");
        return bridge;
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AssignBridge.Delivery;
using AssignBridge.IntegrationTests.Infrastructure;
using JiraSimulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using AssignBridge.IntegrationTests.Sources;
using static AssignBridge.IntegrationTests.Sources.TicketWebhooks;

namespace AssignBridge.IntegrationTests.Sync;

/// <summary>
/// Two-way sync end to end over real HTTP: Jira webhooks into the bridge, the Kibana simulator changed as an analyst
/// would, the reconcile run (timer) and queue as the host runs them, and the Jira simulator's ticket (docs/two-way-sync.md).
/// </summary>
[Collection("azurite")]
public sealed class TwoWaySyncTests(AzuriteFixture azurite)
{
    private const string Carol = "712020:c4r0l-0000-4000-8000-000000000003";
    private const string BridgeAccount = "712020:b41d63-0000-4000-8000-0000000000b1";
    private const string BridgeEmail = "assignbridge@example.com";
    private const string JiraToken = "jira-api-token-for-tests-5e1f";
    private const string IssueKey = "SOC-41";
    private const string OtherIssueKey = "SOC-42";

    [Fact]
    public async Task AnalystReassignsInKibana_TicketFollowsOnTheNextRun()
    {
        await using var sync = await SyncSetup.StartAsync(azurite);
        await sync.AssignInJiraAsync(from: null, to: Alice, "alert-1");

        var baseline = await sync.Bridge.ReconcileAsync();
        Assert.Empty(sync.Puts());
        Assert.Equal(1, baseline["sync"]!["tickets"]!.GetValue<int>());

        await sync.ChangeInKibanaAsync("alert-1", add: ["u_carol_0"], remove: ["u_alice_0"]);
        var run = await sync.Bridge.ReconcileAsync();

        Assert.Equal(1, run["sync"]!["journaled"]!.GetValue<int>());
        Assert.Equal(1, run["sync"]!["written"]!.GetValue<int>());
        Assert.Equal(Carol, sync.Jira.State.GetAssignee(IssueKey));
        var put = Assert.Single(sync.Puts());
        Assert.Equal($"/rest/api/3/issue/{sync.IssueId}/assignee", put.PathAndQuery);
        Assert.Equal($"Basic {Convert.ToBase64String(Encoding.UTF8.GetBytes($"{BridgeEmail}:{JiraToken}"))}", put.Headers["Authorization"]);
        Assert.Equal(Carol, JsonNode.Parse(put.Body)!["accountId"]!.GetValue<string>());

        // Journaled and audited like a Kibana write.
        var entry = await sync.Journal.GetAsync("kibana", Assert.Single(await sync.KibanaDeliveriesAsync()));
        Assert.Equal(DeliveryStatus.Applied, entry!.Status);
        var audit = await sync.AuditAsync($"jira:{sync.IssueId}");
        var written = Assert.Single(audit, r => r!["result"]!.GetValue<string>() == "applied" && r["source"]!.GetValue<string>() == "kibana")!;
        Assert.Equal(Carol, written["ticketWrite"]!["assignee"]!.GetValue<string>());

        // The next run has nothing more to do.
        var after = await sync.Bridge.ReconcileAsync();
        Assert.Equal(0, after["sync"]!["journaled"]!.GetValue<int>());
        Assert.Single(sync.Puts());
        AssertNoSecretsLogged(sync.Bridge, JiraToken);
    }

    [Fact]
    public async Task BridgesOwnKibanaChange_NeverWrittenBackToTheTicket()
    {
        await using var sync = await SyncSetup.StartAsync(azurite);
        await sync.AssignInJiraAsync(from: null, to: Alice, "alert-1");
        await sync.Bridge.ReconcileAsync();

        // The ticket is reassigned in Jira; the bridge moves the alert from Alice to Bob in Kibana.
        await sync.AssignInJiraAsync(from: Alice, to: Bob, "alert-1");
        Assert.Equal(["u_bob_0"], Assignees(sync.Bridge, "default", "alert-1"));
        var run = await sync.Bridge.ReconcileAsync();

        Assert.Equal(0, run["sync"]!["journaled"]!.GetValue<int>());
        Assert.Empty(sync.Puts());
        Assert.Empty(await sync.KibanaDeliveriesAsync());
    }

    [Fact]
    public async Task TicketChangeTheBridgeMade_ComesBackAsWebhook_NoNewKibanaWrite()
    {
        await using var sync = await SyncSetup.StartAsync(azurite);
        await sync.AssignInJiraAsync(from: null, to: Alice, "alert-1");
        await sync.Bridge.ReconcileAsync();
        await sync.ChangeInKibanaAsync("alert-1", add: ["u_carol_0"], remove: ["u_alice_0"]);
        await sync.Bridge.ReconcileAsync();
        Assert.Equal(Carol, sync.Jira.State.GetAssignee(IssueKey));
        var kibanaWrites = AssigneeRequests(sync.Bridge);

        // Jira tells the bridge of the change it made itself: its account is the event's user.
        using var echo = await sync.AssignInJiraAsync(from: Alice, to: Carol, "alert-1", actor: BridgeAccount);

        var answer = await ReadAsync(echo);
        Assert.Equal("ignored", answer["status"]!.GetValue<string>());
        Assert.Contains("the bridge's own change", answer["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(kibanaWrites, AssigneeRequests(sync.Bridge));
    }

    [Fact]
    public async Task TicketChangeTheBridgeMade_ActorNotKnown_RecognisedFromItsOwnWrite()
    {
        // Without Jira:SyncAccount (an Automation rule sends the event, as whoever it runs as), the bridge's record of its write decides.
        await using var sync = await SyncSetup.StartAsync(azurite, new() { ["Jira:SyncAccount"] = "" });
        await sync.AssignInJiraAsync(from: null, to: Alice, "alert-1");
        await sync.Bridge.ReconcileAsync();
        await sync.ChangeInKibanaAsync("alert-1", add: ["u_carol_0"], remove: ["u_alice_0"]);
        await sync.Bridge.ReconcileAsync();
        var kibanaWrites = AssigneeRequests(sync.Bridge);

        using var echo = await sync.AssignInJiraAsync(from: Alice, to: Carol, "alert-1", actor: Alice);

        Assert.Equal("ignored", (await ReadAsync(echo))["status"]!.GetValue<string>());
        Assert.Equal(kibanaWrites, AssigneeRequests(sync.Bridge));

        // A real change afterwards, to someone else, is applied as always.
        using var real = await sync.AssignInJiraAsync(from: Carol, to: Bob, "alert-1", actor: Alice);
        Assert.Equal("applied", (await ReadAsync(real))["status"]!.GetValue<string>());
        Assert.Contains("u_bob_0", Assignees(sync.Bridge, "default", "alert-1"));
    }

    [Fact]
    public async Task JiraDown_Retried_ThenAppliedOnce()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var sync = await SyncSetup.StartAsync(azurite, new() { ["Journal:RetryBaseSeconds"] = "1" }, time);
        await sync.AssignInJiraAsync(from: null, to: Alice, "alert-1");
        await sync.Bridge.ReconcileAsync();
        await sync.ChangeInKibanaAsync("alert-1", add: ["u_carol_0"], remove: ["u_alice_0"]);
        sync.Jira.State.Faults.FailNext(1, 503);

        var failed = await sync.Bridge.ReconcileAsync();

        Assert.Equal(0, failed["sync"]!["written"]!.GetValue<int>());
        var id = Assert.Single(await sync.KibanaDeliveriesAsync());
        var retrying = await sync.Journal.GetAsync("kibana", id);
        Assert.Equal(DeliveryStatus.Retrying, retrying!.Status);
        Assert.Contains("Jira answered 503", retrying.LastError, StringComparison.Ordinal);
        Assert.Equal(Alice, sync.Jira.State.GetAssignee(IssueKey));

        time.Advance(TimeSpan.FromSeconds(5));
        var retried = await sync.Bridge.ReconcileAsync();

        Assert.Equal(1, retried["applied"]!.GetValue<int>());
        Assert.Equal(Carol, sync.Jira.State.GetAssignee(IssueKey));
        Assert.Single(sync.Puts(), p => p.Status == 204);
        Assert.Equal(DeliveryStatus.Applied, (await sync.Journal.GetAsync("kibana", id))!.Status);
    }

    [Fact]
    public async Task JiraDownForEveryAttempt_DeadInThePoisonQueue_ReplayedOnceJiraIsBack()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var sync = await SyncSetup.StartAsync(azurite, new() { ["Journal:RetryBaseSeconds"] = "1", ["Journal:MaxAttempts"] = "2" }, time);
        await sync.AssignInJiraAsync(from: null, to: Alice, "alert-1");
        await sync.ChangeInKibanaAsync("alert-1", add: ["u_carol_0"], remove: ["u_alice_0"]);
        sync.Jira.State.Faults.FailNext(1_000, 500);

        await sync.Bridge.ReconcileAsync();
        time.Advance(TimeSpan.FromSeconds(5));
        var spent = await sync.Bridge.ReconcileAsync();

        Assert.Equal(1, spent["dead"]!.GetValue<int>());
        var id = Assert.Single(await sync.KibanaDeliveriesAsync());
        Assert.Equal(DeliveryStatus.Dead, (await sync.Journal.GetAsync("kibana", id))!.Status);
        var poisoned = DeliveryMessage.Parse(Assert.Single((await sync.Bridge.Queue.Poison.PeekMessagesAsync(32)).Value).Body.ToString());
        Assert.Equal(("kibana", id), (poisoned!.Source, poisoned.DeliveryId));

        sync.Jira.State.Faults.Reset();
        using var admin = new HttpClient { BaseAddress = sync.Bridge.Client.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sync-admin");
        using var replay = await admin.PostAsync(new Uri($"/api/manage/journal/kibana/{Uri.EscapeDataString(id)}/replay", UriKind.Relative), null);

        Assert.Equal("applied", JsonNode.Parse(await replay.Content.ReadAsStringAsync())!["status"]!.GetValue<string>());
        Assert.Equal(Carol, sync.Jira.State.GetAssignee(IssueKey));
    }

    [Fact]
    public async Task DryRun_AuditsThePlannedWrite_JiraNotWritten()
    {
        await using var sync = await SyncSetup.StartAsync(azurite, new() { ["Jira:SyncDryRun"] = "true" });
        await sync.AssignInJiraAsync(from: null, to: Alice, "alert-1");
        await sync.Bridge.ReconcileAsync();
        await sync.ChangeInKibanaAsync("alert-1", add: ["u_carol_0"], remove: ["u_alice_0"]);

        var run = await sync.Bridge.ReconcileAsync();

        Assert.Equal(1, run["sync"]!["planned"]!.GetValue<int>());
        Assert.Empty(sync.Puts());
        Assert.Equal(Alice, sync.Jira.State.GetAssignee(IssueKey));
        Assert.Empty(await sync.KibanaDeliveriesAsync());
        var planned = Assert.Single(await sync.AuditAsync($"jira:{sync.IssueId}"), r => r!["result"]!.GetValue<string>() == "planned")!;
        Assert.Equal(Carol, planned["ticketWrite"]!["assignee"]!.GetValue<string>());
    }

    [Fact]
    public async Task AlertsOfOneTicketDisagree_ReportedAndNothingWritten()
    {
        await using var sync = await SyncSetup.StartAsync(azurite);
        await sync.AssignInJiraAsync(from: null, to: Alice, "alert-1 alert-2");
        await sync.Bridge.ReconcileAsync();
        await sync.ChangeInKibanaAsync("alert-2", add: ["u_carol_0"], remove: ["u_alice_0"]);

        var run = await sync.Bridge.ReconcileAsync();

        Assert.Equal(1, run["sync"]!["conflicts"]!.GetValue<int>());
        Assert.Empty(sync.Puts());
        var conflict = Assert.Single(await sync.AuditAsync($"jira:{sync.IssueId}"), r => r!["result"]!.GetValue<string>() == "conflict")!;
        Assert.Contains("disagree", conflict["ticketWrite"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PersonWithoutJiraMapping_RejectedWithTheFix_NotWritten()
    {
        await using var sync = await SyncSetup.StartAsync(azurite);
        await sync.AssignInJiraAsync(from: null, to: Alice, "alert-1");
        await sync.Bridge.ReconcileAsync();
        await sync.ChangeInKibanaAsync("alert-1", add: ["u_nobody_0"], remove: ["u_alice_0"]);

        var run = await sync.Bridge.ReconcileAsync();

        Assert.Equal(0, run["sync"]!["written"]!.GetValue<int>());
        Assert.Empty(sync.Puts());
        var entry = await sync.Journal.GetAsync("kibana", Assert.Single(await sync.KibanaDeliveriesAsync()));
        Assert.Equal(DeliveryStatus.Rejected, entry!.Status);
        Assert.Contains("no jira mapping names Kibana UID u_nobody_0", entry!.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TicketReassignedInJiraMeanwhile_ItsNewerChangeStands()
    {
        await using var sync = await SyncSetup.StartAsync(azurite);
        await sync.AssignInJiraAsync(from: null, to: Alice, "alert-1");
        await sync.Bridge.ReconcileAsync();
        await sync.ChangeInKibanaAsync("alert-1", add: ["u_carol_0"], remove: ["u_alice_0"]);
        sync.Jira.State.SeedIssue(IssueKey, assignee: Bob, assignableUsers: [Alice, Bob, Carol]); // its webhook not yet delivered

        await sync.Bridge.ReconcileAsync();

        Assert.Empty(sync.Puts());
        Assert.Equal(Bob, sync.Jira.State.GetAssignee(IssueKey));
        Assert.Single(await sync.AuditAsync($"jira:{sync.IssueId}"), r => r!["result"]!.GetValue<string>() == "superseded");
    }

    [Fact]
    public async Task OnePageARun_NextRunGoesOnWhereItStopped()
    {
        await using var sync = await SyncSetup.StartAsync(azurite, new() { ["Sync:TicketsPerRun"] = "1" });
        await sync.AssignInJiraAsync(from: null, to: Alice, "alert-1");
        await sync.AssignInJiraAsync(from: null, to: Alice, "alert-2", issueKey: OtherIssueKey);
        await sync.ChangeInKibanaAsync("alert-1", add: ["u_carol_0"], remove: ["u_alice_0"]);
        await sync.ChangeInKibanaAsync("alert-2", add: ["u_bob_0"], remove: ["u_alice_0"]);

        var first = await sync.Bridge.ReconcileAsync();
        var second = await sync.Bridge.ReconcileAsync();

        Assert.Equal(1, first["sync"]!["tickets"]!.GetValue<int>());
        Assert.False(first["sync"]!["wrapped"]!.GetValue<bool>());
        Assert.Equal(1, second["sync"]!["tickets"]!.GetValue<int>());
        Assert.Equal(Carol, sync.Jira.State.GetAssignee(IssueKey));
        Assert.Equal(Bob, sync.Jira.State.GetAssignee(OtherIssueKey));
    }

    [Fact]
    public async Task KibanaDownDuringTheSweep_NothingRemembered_NextRunFollows()
    {
        await using var sync = await SyncSetup.StartAsync(azurite, new() { ["Kibana:MaxRetries"] = "0" });
        await sync.AssignInJiraAsync(from: null, to: Alice, "alert-1");
        await sync.ChangeInKibanaAsync("alert-1", add: ["u_carol_0"], remove: ["u_alice_0"]);
        sync.Bridge.Kibana.State.Faults.FailNext(1, 503);

        var failed = await sync.Bridge.ReconcileAsync();

        Assert.Contains("503", failed["sync"]!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(sync.Puts());
        var next = await sync.Bridge.ReconcileAsync();
        Assert.Null(next["sync"]!["error"]);
        Assert.Equal(Carol, sync.Jira.State.GetAssignee(IssueKey));
    }

    [Fact]
    public async Task SyncOff_TheDefault_NoLinksAndNoTicketReads()
    {
        await using var sync = await SyncSetup.StartAsync(azurite, new() { ["Jira:SyncFromKibana"] = "false" });
        await sync.AssignInJiraAsync(from: null, to: Alice, "alert-1");
        await sync.ChangeInKibanaAsync("alert-1", add: ["u_carol_0"], remove: ["u_alice_0"]);

        var run = await sync.Bridge.ReconcileAsync();

        Assert.Null(run["sync"]);
        Assert.Empty(sync.Jira.State.Requests);
        Assert.Equal(0, await sync.LinkRowsAsync());
    }

    /// <summary>A bridge with Jira sync on, the Jira simulator holding SOC-41, and the people mapped.</summary>
    private sealed class SyncSetup : IAsyncDisposable
    {
        private long _changelog = 20_000;

        private SyncSetup(BridgeHarness bridge, RunningJiraSimulator jira)
        {
            Bridge = bridge;
            Jira = jira;
            IssueId = jira.State.GetId(IssueKey);
        }

        public BridgeHarness Bridge { get; }

        public RunningJiraSimulator Jira { get; }

        public string IssueId { get; }

        public DeliveryJournal Journal => Bridge.Services.GetRequiredService<DeliveryJournal>();

        public static async Task<SyncSetup> StartAsync(AzuriteFixture azurite, Dictionary<string, string>? more = null, FakeTimeProvider? time = null)
        {
            var options = new JiraSimulatorOptions();
            options.CloudApiTokens[BridgeEmail] = JiraToken;
            var jira = await RunningJiraSimulator.StartAsync(options);
            jira.State.SeedIssue(IssueKey, assignee: null, assignableUsers: [Alice, Bob, Carol]);
            jira.State.SeedIssue(OtherIssueKey, assignee: null, assignableUsers: [Alice, Bob, Carol]);
            var settings = new Dictionary<string, string>
            {
                ["Jira:SyncFromKibana"] = "true",
                ["Jira:SyncAccount"] = BridgeAccount,
                ["Jira:Api:BaseUrl"] = jira.BaseAddress.ToString(),
                ["Jira:Api:Email"] = BridgeEmail,
                ["Admin:Tokens:0"] = "sync-admin",
            };
            foreach (var (key, value) in more ?? [])
            {
                settings[key] = value;
            }

            var bridge = await BridgeHarness.StartAsync(azurite, Settings(settings), time: time);
            bridge.Vault.SetSecret("jira-api-token", JiraToken);
            await MapPeopleAsync(bridge);
            await bridge.MapAsync("jira", Carol, "u_carol_0");
            bridge.Kibana.State.SeedAlert("default", "alert-1");
            bridge.Kibana.State.SeedAlert("default", "alert-2");
            return new SyncSetup(bridge, jira);
        }

        /// <summary>What Jira sends when the ticket is assigned (as <paramref name="actor"/>), and the issue as Jira now holds it.</summary>
        public async Task<HttpResponseMessage> AssignInJiraAsync(string? from, string to, string alerts, string? actor = null, string issueKey = IssueKey)
        {
            Jira.State.SeedIssue(issueKey, assignee: to, assignableUsers: [Alice, Bob, Carol]);
            var node = JsonNode.Parse(Fixture("jira/cloud-issue-assigned.json"))!.AsObject();
            node["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            node["user"]!["accountId"] = actor ?? to;
            node["issue"]!["id"] = Jira.State.GetId(issueKey);
            node["issue"]!["key"] = issueKey;
            node["issue"]!["fields"]!["customfield_10050"] = alerts;
            node["issue"]!["fields"]!["assignee"]!["accountId"] = to;
            node["changelog"]!["id"] = (++_changelog).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var item = node["changelog"]!["items"]![0]!;
            item["from"] = from;
            item["tmpFromAccountId"] = from;
            item["to"] = to;
            item["tmpToAccountId"] = to;
            using var client = Client(Bridge);
            var response = await PostJiraAsync(client, Encoding.UTF8.GetBytes(node.ToJsonString()));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await Bridge.RecordedAsync(); // the links are written with the managed-assignee rows, after the answer
            return response;
        }

        public Task ChangeInKibanaAsync(string alertId, string[] add, string[] remove) => TicketWebhooks.ChangeInKibanaAsync(Bridge, alertId, add, remove);

        public IReadOnlyList<RecordedJiraRequest> Puts() => [.. Jira.State.Requests.Where(r => r.Method == "PUT")];

        public async Task<IReadOnlyList<string>> KibanaDeliveriesAsync()
        {
            var ids = new List<string>();
            await foreach (var row in Bridge.JournalTable.QueryAsync<Azure.Data.Tables.TableEntity>(filter: "PartitionKey eq 'kibana'"))
            {
                if (!row.RowKey.StartsWith('%'))
                {
                    ids.Add(Uri.UnescapeDataString(row.RowKey));
                }
            }

            return ids;
        }

        /// <summary>Rows in the links table; none when the bridge never created it.</summary>
        public async Task<int> LinkRowsAsync()
        {
            try
            {
                var count = 0;
                await foreach (var row in Bridge.LinksTable.QueryAsync<Azure.Data.Tables.TableEntity>())
                {
                    count++;
                }

                return count;
            }
            catch (Azure.RequestFailedException exception) when (exception.Status == 404)
            {
                return 0;
            }
        }

        public async Task<JsonArray> AuditAsync(string ticket)
        {
            using var admin = new HttpClient { BaseAddress = Bridge.Client.BaseAddress };
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sync-admin");
            return JsonNode.Parse(await admin.GetStringAsync(new Uri($"/api/manage/audit?ticket={Uri.EscapeDataString(ticket)}", UriKind.Relative)))!.AsArray();
        }

        public async ValueTask DisposeAsync()
        {
            await Bridge.DisposeAsync();
            await Jira.DisposeAsync();
        }
    }
}

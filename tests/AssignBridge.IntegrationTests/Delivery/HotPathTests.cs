using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using AssignBridge.Assignments;
using AssignBridge.Delivery;
using AssignBridge.IntegrationTests.Infrastructure;
using AssignBridge.People;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static AssignBridge.IntegrationTests.Sources.TicketWebhooks;

namespace AssignBridge.IntegrationTests.Delivery;

/// <summary>
/// What a delivery waits for in storage: the journal record (with the ticket's newest event confirmed in the same
/// request) and the outcome (with that event remembered and the effects carried). The managed-assignee and audit rows
/// follow just after the answer, from the journal row, and the reconcile sweep finishes any cut off.
/// </summary>
[Collection("azurite")]
public sealed class HotPathTests(AzuriteFixture azurite)
{
    private const string Assigned = "jira/cloud-issue-assigned.json";

    [Fact]
    public async Task JiraDelivery_TwoStorageRequestsBeforeItsAnswer_ItsRowsJustAfter()
    {
        var storage = new StorageRequests();
        await using var bridge = await StartAsync(storage);
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        bridge.Kibana.State.SeedAlert("default", "alert-2");
        using var client = Client(bridge);
        using var first = await PostJiraAsync(client, Fresh(Fixture(Assigned))); // tables created, Alice's mapping cached
        await bridge.RecordedAsync();

        // The managed-assignee and audit tables answer only once the sender has its answer: what the answer waited for
        // completed before it.
        storage.Clear();
        storage.Hold = ["managed", "audit"];
        using var response = await PostJiraAsync(client, Issue("10041", "SOC-43", "alert-2", changelog: "10300"));
        var beforeAnswer = storage.Snapshot();
        storage.Release();
        await bridge.RecordedAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("applied", (await ReadAsync(response))["status"]!.GetValue<string>());
        // Both are entity-group transactions on the journal table: the row and the ticket's mark, then the outcome and the mark.
        Assert.Equal([$"POST {bridge.JournalTable.Name}", $"POST {bridge.JournalTable.Name}"], beforeAnswer.Select(r => $"{r.Method} {r.Table}"));
        var after = storage.Snapshot().Skip(beforeAnswer.Count).ToList();
        Assert.Contains(after, r => r.Table == bridge.AuditTable.Name);
        Assert.Contains(after, r => r.Table.StartsWith("managed", StringComparison.Ordinal));
        var row = (await bridge.JournalTable.QueryAsync<TableEntity>("PartitionKey eq 'jira' and Status eq 'applied'").ToListAsync()).Single(r => r.GetString("Reference") == "SOC-43");
        Assert.True(row.GetBoolean("Projected"));
        Assert.Equal(["u_alice_0"], bridge.Kibana.State.GetAssignees("default", "alert-2"));
    }

    [Fact]
    public async Task TicketEvents_TwoInstancesEachWithItsOwnMark_AnOlderEventIsStillSeenAsOlder()
    {
        // Two instances over one journal, each holding what it last wrote: the journal write of each delivery checks
        // that mark against the row, so a stale one is replaced by the row's before the attempt decides.
        var table = "journal" + Guid.NewGuid().ToString("n")[..12];
        var one = Journal(table);
        var two = Journal(table);

        var (firstEntry, _, _, firstMark) = await one.RecordAsync(TicketIntent("e-5", 5));
        Assert.Null(firstMark!.Sequence); // a ticket never seen: nothing of it applied yet
        Assert.NotNull(await one.CompleteAsync(firstEntry, DeliveryStatus.Applied, null, null, ticket: new TicketOutcome(firstEntry.Intent.Ticket!, firstMark)));

        var (secondEntry, _, _, secondMark) = await two.RecordAsync(TicketIntent("e-7", 7));
        Assert.Equal(5, secondMark!.Sequence); // read, since instance two knew nothing
        Assert.NotNull(await two.CompleteAsync(secondEntry, DeliveryStatus.Applied, null, null, ticket: new TicketOutcome(secondEntry.Intent.Ticket!, secondMark)));

        var (_, _, _, thirdMark) = await one.RecordAsync(TicketIntent("e-6", 6)); // instance one still holds 5
        Assert.Equal(7, thirdMark!.Sequence);
        Assert.True(TicketMark.IsSuperseded(TicketIntent("e-6", 6).Ticket!, thirdMark));
    }

    [Fact]
    public async Task Rows_WritingCutOffAfterTheAnswer_WrittenByTheReconcileSweepFromTheJournalRow()
    {
        var storage = new StorageRequests();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var bridge = await StartAsync(storage, time, new() { ["Reconcile:RequeueGraceSeconds"] = "60" });
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        using var client = Client(bridge);
        storage.Refuse = bridge.AuditTable.Name; // the audit table is unreachable just after the answer

        using var response = await PostJiraAsync(client, Fresh(Fixture(Assigned)));
        await bridge.RecordedAsync();

        Assert.Equal("applied", (await ReadAsync(response))["status"]!.GetValue<string>());
        Assert.Contains(bridge.Logs.Lines, line => line.Contains("could not be written", StringComparison.Ordinal) && line.Contains("reconcile sweep writes them", StringComparison.Ordinal));
        var row = Assert.Single(await bridge.JournalTable.QueryAsync<TableEntity>("PartitionKey eq 'jira' and Status eq 'applied'").ToListAsync());
        Assert.False(row.GetBoolean("Projected"));

        storage.Refuse = null;
        var early = await bridge.ReconcileAsync(); // within the grace: the attempt may still be writing them
        time.Advance(TimeSpan.FromSeconds(61));
        var late = await bridge.ReconcileAsync();

        Assert.Equal(0, early["projected"]!.GetValue<int>());
        Assert.Equal(1, late["projected"]!.GetValue<int>());
        var audit = await bridge.AuditTable.QueryAsync<TableEntity>().ToListAsync();
        Assert.Contains(audit, r => r.GetString("Ticket") == "jira:10040" || r.GetString("Reference") == "SOC-41");
        Assert.True((await bridge.JournalTable.GetEntityAsync<TableEntity>(row.PartitionKey, row.RowKey)).Value.GetBoolean("Projected"));
    }

    private async Task<BridgeHarness> StartAsync(StorageRequests storage, FakeTimeProvider? time = null, Dictionary<string, string>? more = null)
    {
        var bridge = await BridgeHarness.StartAsync(azurite, Settings(more), time: time, configure: services => services.AddAzureClients(clients => clients.ConfigureDefaults(options =>
        {
            if (options is TableClientOptions tables)
            {
                tables.AddPolicy(storage, HttpPipelinePosition.PerCall);
            }
            else if (options is QueueClientOptions queues)
            {
                queues.AddPolicy(storage, HttpPipelinePosition.PerCall);
            }
        })));
        await MapPeopleAsync(bridge);
        return bridge;
    }

    private DeliveryJournal Journal(string table) =>
        new(azurite.CreateTableServiceClient(), Options.Create(new JournalOptions { TableName = table }), TimeProvider.System);

    private static AssignmentIntent TicketIntent(string deliveryId, long sequence) =>
        new("jira", deliveryId, "SOC-9", [new AlertRef("default", "alert-1")], [PersonRef.ForUid("u_alice_0")], [], null, new TicketRef("jira:10099", null, sequence));

    /// <summary>The assigned fixture as another issue, linking another alert.</summary>
    private static byte[] Issue(string id, string key, string alert, string changelog)
    {
        var node = JsonNode.Parse(Fresh(Fixture(Assigned)))!.AsObject();
        node["issue"]!["id"] = id;
        node["issue"]!["key"] = key;
        node["issue"]!["fields"]!["customfield_10050"] = alert;
        node["changelog"]!["id"] = changelog;
        return System.Text.Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    /// <summary>
    /// Every storage request the bridge's clients completed (method and table), a switch that makes one table
    /// unreachable, and one that holds the requests to some tables until released.
    /// </summary>
    private sealed class StorageRequests : HttpPipelinePolicy
    {
        private readonly ConcurrentQueue<(string Method, string Table)> _requests = new();
        private TaskCompletionSource _gate = NewGate();

        public string? Refuse { get; set; }

        public string[] Hold { get; set; } = [];

        public void Clear() => _requests.Clear();

        public void Release()
        {
            Hold = [];
            _gate.TrySetResult();
            _gate = NewGate();
        }

        public IReadOnlyList<(string Method, string Table)> Snapshot() => [.. _requests];

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("the bridge calls storage asynchronously");

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var request = Describe(message);
            if (Refuse is { } refused && request.Table == refused)
            {
                throw new IOException($"{refused} is unreachable (test)");
            }

            if (Hold.Any(prefix => request.Table.StartsWith(prefix, StringComparison.Ordinal)))
            {
                await _gate.Task;
            }

            await ProcessNextAsync(message, pipeline);
            _requests.Enqueue(request);
        }

        private static TaskCompletionSource NewGate() => new(TaskCreationOptions.RunContinuationsAsynchronously);

        private static (string Method, string Table) Describe(HttpMessage message)
        {
            // "/devstoreaccount1/<table>(…)" or "/devstoreaccount1/$batch" (whose body names the table: the batch's own path says no more).
            var path = message.Request.Uri.Path.Split('/', StringSplitOptions.RemoveEmptyEntries).Skip(1).FirstOrDefault() ?? "";
            var table = path.Split('(')[0];
            if (table == "$batch" && message.Request.Content is { } content)
            {
                using var buffer = new MemoryStream();
                content.WriteTo(buffer, default);
                var text = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
                table = new[] { "journal", "managed", "audit", "people" }.Select(prefix => System.Text.RegularExpressions.Regex.Match(text, $"/({prefix}[0-9a-f]{{12}})[(/?]")).FirstOrDefault(m => m.Success)?.Groups[1].Value ?? "$batch";
            }

            return (message.Request.Method.ToString(), table);
        }
    }
}

using System.Text.Json.Nodes;
using System.Text;
using AssignBridge.IntegrationTests.Infrastructure;
using static AssignBridge.IntegrationTests.Sources.TicketWebhooks;

namespace AssignBridge.IntegrationTests.Kibana;

/// <summary>
/// A bulk reassignment in Jira: many issues assigned to the same person at once. Concurrent deliveries with the same
/// space and assignees share Kibana requests (KibanaBatcher), and each delivery is still applied and journaled.
/// </summary>
[Collection("azurite")]
public sealed class KibanaCoalescingTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task JiraBulkAssign_ConcurrentDeliveries_FewerKibanaCallsAndEveryDeliveryApplied()
    {
        const int deliveries = 24;
        await using var bridge = await BridgeHarness.StartAsync(azurite, Settings(new() { ["Kibana:CoalesceMilliseconds"] = "50" }));
        await MapPeopleAsync(bridge);
        var alerts = Enumerable.Range(1, deliveries).Select(i => $"bulk-alert-{i}").ToList();
        foreach (var alert in alerts)
        {
            bridge.Kibana.State.SeedAlert("default", alert);
        }

        using var client = Client(bridge);

        var answers = await Task.WhenAll(alerts.Select(async (alert, i) =>
        {
            using var response = await PostJiraAsync(client, AssignedIssue(20_000 + i, alert));
            return (await ReadAsync(response))["status"]!.GetValue<string>();
        }));

        Assert.All(answers, status => Assert.Equal("applied", status));
        Assert.All(alerts, alert => Assert.Equal(["u_alice_0"], Assignees(bridge, "default", alert)));
        Assert.InRange(AssigneeRequests(bridge), 1, deliveries / 2);
        Assert.Equal(deliveries, await JournalRowsAsync(bridge, "jira"));
    }

    [Fact]
    public async Task JiraReassign_SameIssueTwice_LaterAssigneeWins()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, Settings(new() { ["Kibana:CoalesceMilliseconds"] = "50" }));
        await MapPeopleAsync(bridge);
        bridge.Kibana.State.SeedAlert("default", "order-alert");
        using var client = Client(bridge);

        using var first = await PostJiraAsync(client, AssignedIssue(30_000, "order-alert"));
        using var second = await PostJiraAsync(client, AssignedIssue(30_000, "order-alert", changelogId: 30_001, from: Alice, to: Bob));

        Assert.Equal("applied", (await ReadAsync(second))["status"]!.GetValue<string>());
        Assert.Equal(["u_bob_0"], Assignees(bridge, "default", "order-alert"));
    }

    /// <summary>The Cloud "issue assigned" fixture for another issue, linking one alert.</summary>
    private static byte[] AssignedIssue(int issueId, string alertId, int? changelogId = null, string? from = null, string to = Alice)
    {
        var node = JsonNode.Parse(Fresh(Fixture("jira/cloud-issue-assigned.json")))!.AsObject();
        node["issue"]!["id"] = issueId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        node["issue"]!["key"] = $"SOC-{issueId}";
        node["issue"]!["fields"]!["customfield_10050"] = alertId;
        node["issue"]!["fields"]!["assignee"]!["accountId"] = to;
        node["changelog"]!["id"] = (changelogId ?? issueId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var item = node["changelog"]!["items"]![0]!;
        item["from"] = from;
        item["tmpFromAccountId"] = from;
        item["to"] = to;
        item["tmpToAccountId"] = to;
        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }
}

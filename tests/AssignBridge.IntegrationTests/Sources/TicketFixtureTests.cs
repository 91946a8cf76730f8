using System.Net;
using AssignBridge.IntegrationTests.Infrastructure;
using static AssignBridge.IntegrationTests.Sources.TicketWebhooks;

namespace AssignBridge.IntegrationTests.Sources;

/// <summary>
/// Every delivery in Fixtures/ (where each came from: Fixtures/README.md) sent end to end, signed as its sender signs,
/// through the journal on Azurite to the Kibana simulator; then the simulator's assignees are checked.
/// </summary>
[Collection("azurite")]
public sealed class TicketFixtureTests(AzuriteFixture azurite)
{
    private enum Sender
    {
        JiraWebhook,
        JiraAutomation,
        ServiceNowHmac,
        ServiceNowSecret,
    }

    /// <summary>An alert before and after: people Kibana already had (not the bridge's), people the bridge put there, and the end state.</summary>
    private sealed record AlertCase(string Space, string AlertId, string[] Foreign, string[] ByBridge, string[] Expected);

    private sealed record FixtureCase(Sender Sender, string Status, params AlertCase[] Alerts);

    private static readonly Dictionary<string, FixtureCase> s_cases = new(StringComparer.Ordinal)
    {
        ["jira/cloud-issue-assigned.json"] = new(Sender.JiraWebhook, "applied", new AlertCase("default", "alert-1", [], [], ["u_alice_0"])),
        ["jira/cloud-issue-reassigned.json"] = new(Sender.JiraWebhook, "applied", new AlertCase("default", "alert-2", [], ["u_alice_0"], ["u_bob_0"])),
        ["jira/cloud-issue-unassigned.json"] = new(Sender.JiraWebhook, "applied", new AlertCase("default", "alert-3", ["u_carol_0"], ["u_bob_0"], ["u_carol_0"])),
        ["jira/cloud-issue-created-with-assignee.json"] = new(Sender.JiraWebhook, "applied", new AlertCase("default", "alert-4", [], [], ["u_alice_0"])),
        ["jira/cloud-issue-updated-status-only.json"] = new(Sender.JiraWebhook, "ignored", new AlertCase("default", "alert-1", ["u_carol_0"], [], ["u_carol_0"])),
        ["jira/cloud-comment-created.json"] = new(Sender.JiraWebhook, "ignored", new AlertCase("default", "alert-1", ["u_carol_0"], [], ["u_carol_0"])),
        ["jira/cloud-bulk-edit-assigned.json"] = new(Sender.JiraWebhook, "applied",
            new AlertCase("soc", "alert-7", [], [], ["u_bob_0"]), new AlertCase("soc", "alert-8", [], [], ["u_bob_0"]), new AlertCase("soc", "alert-9", ["u_carol_0"], [], ["u_bob_0", "u_carol_0"])),
        ["jira/dc-issue-assigned.json"] = new(Sender.JiraWebhook, "applied", new AlertCase("default", "alert-5", [], ["u_erin_0"], ["u_dave_0"])),
        ["jira/automation-jira-format.json"] = new(Sender.JiraAutomation, "applied", new AlertCase("default", "alert-6", [], [], ["u_alice_0"])),
        ["servicenow/incident-assigned.json"] = new(Sender.ServiceNowHmac, "applied", new AlertCase("default", "alert-10", [], [], ["u_alice_0"])),
        ["servicenow/security-incident-reassigned.json"] = new(Sender.ServiceNowSecret, "applied", new AlertCase("soc", "alert-11", [], ["u_alice_0"], ["u_bob_0"])),
        ["servicenow/incident-unassigned.json"] = new(Sender.ServiceNowHmac, "applied", new AlertCase("default", "alert-12", ["u_carol_0"], ["u_bob_0"], ["u_carol_0"])),
    };

    public static TheoryData<string> Fixtures()
    {
        var data = new TheoryData<string>();
        foreach (var file in FixtureFiles())
        {
            data.Add(file);
        }

        return data;
    }

    [Fact]
    public void Fixtures_EveryFileHasAnExpectation()
    {
        Assert.Equal(s_cases.Keys.Order(StringComparer.Ordinal), FixtureFiles());
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Fixture_SentEndToEnd_KibanaHoldsTheTicketsAssignees(string file)
    {
        var expected = s_cases[file];
        await using var bridge = await BridgeHarness.StartAsync(azurite, Settings());
        await MapPeopleAsync(bridge);
        foreach (var alert in expected.Alerts)
        {
            bridge.Kibana.State.SeedAlert(alert.Space, alert.AlertId, alert.Foreign);
            if (alert.ByBridge.Length > 0)
            {
                await AssignThroughBridgeAsync(bridge, alert.Space, alert.AlertId, alert.ByBridge);
            }
        }

        var requestsBefore = AssigneeRequests(bridge);
        using var client = Client(bridge);
        var body = Fresh(Fixture(file));

        using var response = expected.Sender switch
        {
            Sender.JiraWebhook => await PostJiraAsync(client, body),
            Sender.JiraAutomation => await PostAutomationAsync(client, body),
            Sender.ServiceNowHmac => await PostServiceNowAsync(client, body, hmac: true),
            _ => await PostServiceNowAsync(client, body, hmac: false),
        };

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await ReadAsync(response);
        Assert.Equal(expected.Status, answer["status"]!.GetValue<string>());
        foreach (var alert in expected.Alerts)
        {
            Assert.Equal(alert.Expected, Assignees(bridge, alert.Space, alert.AlertId));
        }

        if (expected.Status == "ignored")
        {
            Assert.StartsWith("ignored: ", answer["reason"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal(requestsBefore, AssigneeRequests(bridge));
            Assert.Equal(0, await JournalRowsAsync(bridge, file.StartsWith("jira/", StringComparison.Ordinal) ? "jira" : "servicenow"));
        }

        AssertNoSecretsLogged(bridge);
    }

    private static List<string> FixtureFiles()
    {
        var root = Path.Combine(RepositoryPaths.Root, "tests", "AssignBridge.IntegrationTests", "Fixtures");
        return [.. Directory.EnumerateFiles(root, "*.json", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(root, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)];
    }
}

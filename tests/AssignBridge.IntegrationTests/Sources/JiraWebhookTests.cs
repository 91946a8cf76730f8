using System.Net;
using System.Text;
using AssignBridge.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static AssignBridge.IntegrationTests.Sources.TicketWebhooks;

namespace AssignBridge.IntegrationTests.Sources;

/// <summary>POST /api/webhooks/jira over real HTTP: authentication, redelivery, bad input and the answers Jira gets.</summary>
[Collection("azurite")]
public sealed class JiraWebhookTests(AzuriteFixture azurite)
{
    private const string Assigned = "jira/cloud-issue-assigned.json";

    [Fact]
    public async Task Redelivery_SameIdentifierWithRetryHeader_AnsweredFromJournalWithoutSecondRequest()
    {
        await using var bridge = await StartAsync();
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        using var client = Client(bridge);
        var body = Fresh(Fixture(Assigned));

        using var first = await PostJiraAsync(client, body, identifier: "b7e1f7a2-0f0e-4c55-9a51-5e4f2d1c0a01");
        using var retry = await PostJiraAsync(client, body, identifier: "b7e1f7a2-0f0e-4c55-9a51-5e4f2d1c0a01", configure: r => r.Headers.Add("X-Atlassian-Webhook-Retry", "1"));

        Assert.Equal("applied", (await ReadAsync(first))["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        var answer = await ReadAsync(retry);
        Assert.Equal("duplicate", answer["status"]!.GetValue<string>());
        Assert.Equal("applied", answer["journalStatus"]!.GetValue<string>());
        Assert.Equal(1, AssigneeRequests(bridge));
        Assert.Equal(1, await JournalRowsAsync(bridge, "jira"));
    }

    [Fact]
    public async Task Signature_RotatedOldSecret_Accepted()
    {
        await using var bridge = await StartAsync();
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        using var client = Client(bridge);

        using var response = await PostJiraAsync(client, Fresh(Fixture(Assigned)), secret: JiraOldSecret);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["u_alice_0"], Assignees(bridge, "default", "alert-1"));
    }

    public static TheoryData<string> Refusals() => ["wrong secret", "missing header", "one byte altered", "sha1 method", "automation wrong secret", "stale timestamp"];

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Signature_NotValid_401AndNothingJournaled(string variant)
    {
        await using var bridge = await StartAsync();
        using var client = Client(bridge);
        var body = Fresh(Fixture(Assigned));

        using var response = variant switch
        {
            "wrong secret" => await PostJiraAsync(client, body, secret: "not the secret"),
            "missing header" => await PostJiraAsync(client, body, secret: null),
            "one byte altered" => await PostJiraAsync(client, body, configure: r => r.Content = Altered(body, r.Content!)),
            "sha1 method" => await PostJiraAsync(client, body, secret: null, configure: r => r.Headers.Add("X-Hub-Signature", "sha1=" + JiraSignatureHex(body))),
            "automation wrong secret" => await PostAutomationAsync(client, Fresh(Fixture("jira/automation-jira-format.json")), "guess"),
            _ => await PostJiraAsync(client, StaleBody(body)),
        };

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await JournalRowsAsync(bridge, "jira"));
        Assert.Equal(0, AssigneeRequests(bridge));
        AssertNoSecretsLogged(bridge, "not the secret", "guess");
    }

    [Fact]
    public async Task NoSecretConfigured_SignedDelivery_401()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string> { ["Jira:AlertField"] = "customfield_10050" });
        using var client = Client(bridge);

        using var signed = await PostJiraAsync(client, Fresh(Fixture(Assigned)));
        using var unsigned = await PostJiraAsync(client, Fresh(Fixture(Assigned)), secret: null);

        Assert.Equal(HttpStatusCode.Unauthorized, signed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Contains(bridge.Logs.Lines, l => l.Contains("NotConfigured", StringComparison.Ordinal));
    }

    public static TheoryData<string, string, int> BadInput() => new()
    {
        { "malformed JSON", "{\"webhookEvent\":\"jira:issue_updated\",\"issue\":{", 400 },
        { "JSON null", "null", 400 },
        { "wrong content type", "text/plain", 415 },
        { "not a Jira delivery", "{\"hello\":\"world\"}", 400 },
        { "webhookEvent not a string", "{\"webhookEvent\":42,\"issue\":{\"id\":\"1\"}}", 400 },
        { "issue event without issue", "{\"webhookEvent\":\"jira:issue_updated\",\"changelog\":{\"id\":\"1\",\"items\":[]}}", 400 },
        { "issue without id", "{\"webhookEvent\":\"jira:issue_updated\",\"issue\":{\"key\":\"SOC-1\",\"fields\":{}}}", 400 },
        { "changelog items not an array", "{\"webhookEvent\":\"jira:issue_updated\",\"issue\":{\"id\":\"1\"},\"changelog\":{\"items\":\"x\"}}", 400 },
        { "absurd alert id", "alert id of 5000 characters", 400 },
        { "absurd account id", "account id of 5000 characters", 400 },
        { "assignee accountId a number", "fields.assignee.accountId = 5", 400 },
        { "too many alerts", "5000 alert ids", 400 },
        { "bad space label", "label kibana-space:NOT VALID", 400 },
        { "body over the limit", "5 MiB", 413 },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task BadInput_Clear4xxNothingJournaled(string name, string input, int status)
    {
        await using var bridge = await StartAsync();
        using var client = Client(bridge);
        var body = name switch
        {
            "wrong content type" => Fresh(Fixture(Assigned)),
            "absurd alert id" => Edit(n => n["issue"]!["fields"]!["customfield_10050"] = new string('a', 5_000)),
            "absurd account id" => Edit(n => n["changelog"]!["items"]![0]!["tmpToAccountId"] = new string('b', 5_000)),
            "assignee accountId a number" => Edit(n => n["issue"]!["fields"]!["assignee"] = new System.Text.Json.Nodes.JsonObject { ["accountId"] = 5 }),
            "too many alerts" => Edit(n => n["issue"]!["fields"]!["customfield_10050"] = string.Join(",", Enumerable.Range(0, 5_000).Select(i => $"a{i}"))),
            "bad space label" => Edit(n => n["issue"]!["fields"]!["labels"] = new System.Text.Json.Nodes.JsonArray("kibana-space:NOT VALID")),
            "body over the limit" => Encoding.UTF8.GetBytes("{\"webhookEvent\":\"jira:issue_updated\",\"pad\":\"" + new string('x', 5 * 1_024 * 1_024) + "\"}"),
            _ => Encoding.UTF8.GetBytes(input),
        };

        using var response = await PostJiraAsync(client, body, contentType: name == "wrong content type" ? "text/plain" : "application/json");

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await JournalRowsAsync(bridge, "jira"));
        Assert.Equal(0, AssigneeRequests(bridge));
        Assert.DoesNotContain(bridge.Logs.Lines, l => l.StartsWith("Error", StringComparison.Ordinal) || l.Contains("xxxxxxxx", StringComparison.Ordinal));
    }

    [Fact]
    public async Task IssueWithoutLinkedAlerts_2xxIgnoredWithReason()
    {
        await using var bridge = await StartAsync();
        using var client = Client(bridge);

        using var response = await PostJiraAsync(client, Edit(n => n["issue"]!["fields"]!["customfield_10050"] = null));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ignored: the issue links no alerts", (await ReadAsync(response))["reason"]!.GetValue<string>());
        Assert.Equal(0, await JournalRowsAsync(bridge, "jira"));
    }

    [Fact]
    public async Task UnmappedAssignee_2xxRejectedNamingThePerson()
    {
        await using var bridge = await StartAsync();
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        using var client = Client(bridge);

        using var response = await PostJiraAsync(client, Edit(n => n["changelog"]!["items"]![0]!["tmpToAccountId"] = "70121:stranger"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await ReadAsync(response);
        Assert.Equal("rejected", answer["status"]!.GetValue<string>());
        Assert.Contains("jira:70121:stranger", answer["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, AssigneeRequests(bridge));
    }

    [Fact]
    public async Task KibanaDown_2xxAcceptedAndJournaledForRetry()
    {
        await using var bridge = await StartAsync(new() { ["Kibana:MaxRetries"] = "0" });
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        bridge.Kibana.State.Faults.FailNext(10, 503);
        using var client = Client(bridge);

        using var response = await PostJiraAsync(client, Fresh(Fixture(Assigned)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await ReadAsync(response);
        Assert.Equal("accepted", answer["status"]!.GetValue<string>());
        Assert.Equal("retrying", answer["journalStatus"]!.GetValue<string>());
        Assert.Equal(1, await JournalRowsAsync(bridge, "jira"));
    }

    [Fact]
    public async Task JournalUnavailable_503SoJiraRetries()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, Settings(new()
        {
            // Nothing listens on port 9: every table call fails, as when storage is down.
            ["Storage:ConnectionString"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;",
        }));
        using var client = Client(bridge);

        using var response = await PostJiraAsync(client, Fresh(Fixture(Assigned)));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal(0, AssigneeRequests(bridge));
    }

    [Fact]
    public async Task DataCenterWithoutIdentifierHeader_DeliveryIdFromIssueAndChangelog()
    {
        await using var bridge = await StartAsync();
        bridge.Kibana.State.SeedAlert("default", "alert-5");
        using var client = Client(bridge);
        var body = Fresh(Fixture("jira/dc-issue-assigned.json"));

        using var first = await PostJiraAsync(client, body, configure: r => r.Headers.Remove("X-Atlassian-Webhook-Identifier"));
        using var again = await PostJiraAsync(client, body, configure: r => r.Headers.Remove("X-Atlassian-Webhook-Identifier"));

        var answer = await ReadAsync(first);
        Assert.Equal("jira.corp.example:20100:30555", answer["deliveryId"]!.GetValue<string>());
        Assert.Equal("duplicate", (await ReadAsync(again))["status"]!.GetValue<string>());
        Assert.Equal(["u_dave_0"], Assignees(bridge, "default", "alert-5"));
    }

    [Fact]
    public async Task DryRun_AssignedIssue_AnsweredWithThePlan_AuditedAsPlanned_NothingJournaledOrSent()
    {
        await using var bridge = await StartAsync(new() { ["Jira:DryRun"] = "true" });
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        using var client = Client(bridge);

        using var response = await PostJiraAsync(client, Fresh(Fixture(Assigned)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await ReadAsync(response);
        Assert.Equal("dry-run", answer["status"]!.GetValue<string>());
        var plan = Assert.Single(answer["plan"]!.AsArray())!;
        Assert.Equal("default", plan["space"]!.GetValue<string>());
        Assert.Equal("alert-1", Assert.Single(plan["alerts"]!.AsArray())!.GetValue<string>());
        Assert.Equal("u_alice_0", Assert.Single(plan["add"]!.AsArray())!.GetValue<string>());
        Assert.Equal("planned", answer["spaces"]![0]!["status"]!.GetValue<string>());
        Assert.Equal(0, AssigneeRequests(bridge));
        Assert.Equal(0, await JournalRowsAsync(bridge, "jira"));
        Assert.Empty(Assignees(bridge, "default", "alert-1"));
        var audit = await bridge.Services.GetRequiredService<AssignBridge.Audit.AuditLog>().ForAlertAsync("default", "alert-1", 10);
        var row = Assert.Single(audit);
        Assert.Equal("planned", row.Result);
        Assert.Equal(["u_alice_0"], row.Added);
    }

    private Task<BridgeHarness> StartAsync(Dictionary<string, string>? more = null) => StartMappedAsync(azurite, more);

    private static async Task<BridgeHarness> StartMappedAsync(AzuriteFixture azurite, Dictionary<string, string>? more)
    {
        var bridge = await BridgeHarness.StartAsync(azurite, Settings(more));
        await MapPeopleAsync(bridge);
        return bridge;
    }

    private static byte[] Edit(Action<System.Text.Json.Nodes.JsonObject> edit)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(Fresh(Fixture(Assigned)))!.AsObject();
        edit(node);
        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    private static ByteArrayContent Altered(byte[] body, HttpContent original)
    {
        var altered = (byte[])body.Clone();
        var at = Array.IndexOf(altered, (byte)'S'); // one letter of "SOC-41"
        altered[at] = (byte)'T';
        var content = new ByteArrayContent(altered);
        content.Headers.ContentType = original.Headers.ContentType;
        return content;
    }

    private static string JiraSignatureHex(byte[] body) => AssignBridge.Sources.Jira.JiraSignatureVerifier.Sign(JiraSecret, body)["sha256=".Length..];

    private static byte[] StaleBody(byte[] body)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(body)!.AsObject();
        node["timestamp"] = DateTimeOffset.UtcNow.AddHours(-7).ToUnixTimeMilliseconds();
        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }
}

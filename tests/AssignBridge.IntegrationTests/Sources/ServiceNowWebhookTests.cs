using System.Net;
using System.Text.Json.Nodes;
using System.Text;
using AssignBridge.IntegrationTests.Infrastructure;
using static AssignBridge.IntegrationTests.Sources.TicketWebhooks;

namespace AssignBridge.IntegrationTests.Sources;

/// <summary>POST /api/webhooks/servicenow over real HTTP: the contract, its authentication, redelivery and ordering.</summary>
[Collection("azurite")]
public sealed class ServiceNowWebhookTests(AzuriteFixture azurite)
{
    private const string Assigned = "servicenow/incident-assigned.json";

    public static TheoryData<string> Refusals() => ["wrong hmac secret", "wrong shared secret", "no header", "one byte altered", "stale sent_at"];

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task NotAuthenticated_401AndNothingJournaled(string variant)
    {
        await using var bridge = await StartAsync();
        using var client = Client(bridge);
        var body = Fresh(Fixture(Assigned));

        using var response = variant switch
        {
            "wrong hmac secret" => await PostServiceNowAsync(client, body, hmac: true, secret: "wrong"),
            "wrong shared secret" => await PostServiceNowAsync(client, body, hmac: false, secret: "wrong"),
            "no header" => await client.PostAsync("/api/webhooks/servicenow", new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } }),
            "one byte altered" => await SendAlteredAsync(client, body),
            _ => await PostServiceNowAsync(client, Edit(n => n["sent_at"] = "2020-01-01 00:00:00")),
        };

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await JournalRowsAsync(bridge, "servicenow"));
        Assert.Equal(0, AssigneeRequests(bridge));
        AssertNoSecretsLogged(bridge);
    }

    public static TheoryData<string, int> BadInput() => new()
    {
        { "malformed JSON", 400 },
        { "wrong content type", 415 },
        { "unknown version", 400 },
        { "missing version", 400 },
        { "sys_id not 32 hex", 400 },
        { "missing sys_mod_count", 400 },
        { "missing assigned_to", 400 },
        { "assigned_to a string", 400 },
        { "assigned_to.user_name a number", 400 },
        { "absurd alert id", 400 },
        { "bad space", 400 },
        { "body over the limit", 413 },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task BadInput_Clear4xxNothingJournaled(string name, int status)
    {
        await using var bridge = await StartAsync();
        using var client = Client(bridge);
        var body = name switch
        {
            "malformed JSON" => Encoding.UTF8.GetBytes("{\"version\":1,"),
            "unknown version" => Edit(n => n["version"] = 2),
            "missing version" => Edit(n => n.Remove("version")),
            "sys_id not 32 hex" => Edit(n => n["sys_id"] = "../../etc"),
            "missing sys_mod_count" => Edit(n => n.Remove("sys_mod_count")),
            "missing assigned_to" => Edit(n => n.Remove("assigned_to")),
            "assigned_to a string" => Edit(n => n["assigned_to"] = "alice"),
            "assigned_to.user_name a number" => Edit(n => n["assigned_to"] = new JsonObject { ["user_name"] = 5 }),
            "absurd alert id" => Edit(n => n["alert_ids"] = new JsonArray(new string('a', 100_000))),
            "bad space" => Edit(n => n["space"] = "Not A Space"),
            "body over the limit" => Encoding.UTF8.GetBytes("{\"pad\":\"" + new string('x', 300 * 1_024) + "\"}"),
            _ => Fresh(Fixture(Assigned)),
        };

        using var response = await PostServiceNowAsync(client, body, contentType: name == "wrong content type" ? "text/plain" : "application/json");

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(0, await JournalRowsAsync(bridge, "servicenow"));
        Assert.Equal(0, AssigneeRequests(bridge));
    }

    [Fact]
    public async Task NoLinkedAlerts_2xxIgnored()
    {
        await using var bridge = await StartAsync();
        using var client = Client(bridge);

        using var response = await PostServiceNowAsync(client, Edit(n => n.Remove("correlation_id")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("ignored: the record links no alerts", (await ReadAsync(response))["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, await JournalRowsAsync(bridge, "servicenow"));
    }

    [Fact]
    public async Task Redelivery_SameSysModCount_DuplicateWithoutSecondRequest()
    {
        await using var bridge = await StartAsync();
        bridge.Kibana.State.SeedAlert("default", "alert-10");
        using var client = Client(bridge);
        var body = Fresh(Fixture(Assigned));

        using var first = await PostServiceNowAsync(client, body);
        using var again = await PostServiceNowAsync(client, body, hmac: false);

        var answer = await ReadAsync(first);
        Assert.Equal("incident:9d385017c611228701d22104cc95c371:3", answer["deliveryId"]!.GetValue<string>());
        Assert.Equal("duplicate", (await ReadAsync(again))["status"]!.GetValue<string>());
        Assert.Equal(1, AssigneeRequests(bridge));
    }

    [Fact]
    public async Task PreviousNotSent_AsyncRuleOrFlow_NewAssigneeAdded()
    {
        await using var bridge = await StartAsync();
        bridge.Kibana.State.SeedAlert("default", "alert-10", "u_carol_0");
        using var client = Client(bridge);

        using var response = await PostServiceNowAsync(client, Edit(n => n.Remove("previous_assigned_to")));

        Assert.Equal("applied", (await ReadAsync(response))["status"]!.GetValue<string>());
        Assert.Equal(["u_alice_0", "u_carol_0"], Assignees(bridge, "default", "alert-10"));
    }

    [Fact]
    public async Task UnmappedUserName_EmailFallback_Applied()
    {
        await using var bridge = await StartAsync();
        await bridge.MapAsync("email", "frank@example.com", "u_frank_0");
        bridge.Kibana.State.SeedAlert("default", "alert-10");
        using var client = Client(bridge);

        using var response = await PostServiceNowAsync(client, Edit(n => n["assigned_to"] = new JsonObject { ["sys_id"] = "0123456789abcdef0123456789abcdef", ["user_name"] = "frank", ["email"] = "Frank@Example.com" }));

        var answer = await ReadAsync(response);
        Assert.Equal("applied", answer["status"]!.GetValue<string>());
        Assert.Equal("email", answer["people"]![0]!["via"]!.GetValue<string>());
        Assert.Equal(["u_frank_0"], Assignees(bridge, "default", "alert-10"));
    }

    [Fact]
    public async Task OlderModificationArrivingLate_DoesNotOverrideNewer()
    {
        await using var bridge = await StartAsync();
        bridge.Kibana.State.SeedAlert("default", "alert-10");
        using var client = Client(bridge);
        var alice = JsonNode.Parse("""{"sys_id":"62826bf03710200044e0bfc8bcbe5df1","user_name":"alice.analyst","email":"alice@example.com"}""");
        var bob = JsonNode.Parse("""{"sys_id":"5137153cc611227c000bbd1bd8cd2005","user_name":"bob.responder","email":"bob@example.com"}""");

        using var newer = await PostServiceNowAsync(client, Edit(n => { n["sys_mod_count"] = 9; n["assigned_to"] = bob!.DeepClone(); n["previous_assigned_to"] = null; }));
        using var older = await PostServiceNowAsync(client, Edit(n => { n["sys_mod_count"] = 8; n["assigned_to"] = alice!.DeepClone(); n["previous_assigned_to"] = null; }));

        Assert.Equal(HttpStatusCode.OK, newer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, older.StatusCode);
        Assert.Equal(["u_bob_0"], Assignees(bridge, "default", "alert-10"));
    }

    private async Task<BridgeHarness> StartAsync()
    {
        var bridge = await BridgeHarness.StartAsync(azurite, Settings());
        await MapPeopleAsync(bridge);
        return bridge;
    }

    private static byte[] Edit(Action<JsonObject> edit)
    {
        var node = JsonNode.Parse(Fresh(Fixture(Assigned)))!.AsObject();
        edit(node);
        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    private static async Task<HttpResponseMessage> SendAlteredAsync(HttpClient client, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/servicenow");
        var altered = (byte[])body.Clone();
        altered[Array.IndexOf(altered, (byte)'I')] = (byte)'J'; // one letter of "INC0010001"
        request.Content = new ByteArrayContent(altered) { Headers = { ContentType = new("application/json") } };
        request.Headers.Add(AssignBridge.Sources.ServiceNow.ServiceNowVerifier.SignatureHeader, AssignBridge.Sources.ServiceNow.ServiceNowVerifier.Sign(ServiceNowSecret, body));
        return await client.SendAsync(request);
    }
}

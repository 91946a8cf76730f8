using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text;
using AssignBridge.IntegrationTests.Infrastructure;
using AssignBridge.Sources.Jira;
using AssignBridge.Sources.ServiceNow;
using Azure.Data.Tables;
using Azure;

namespace AssignBridge.IntegrationTests.Sources;

/// <summary>Settings, secrets and senders shared by the ticketing-webhook tests.</summary>
internal static class TicketWebhooks
{
    public const string JiraSecret = "It's a Secret to Everybody";
    public const string JiraOldSecret = "jira-secret-being-rotated-out";
    public const string AutomationSecret = "automation-shared-secret-7f3a9c";
    public const string ServiceNowSecret = "servicenow-shared-secret-b81e44";
    public const string AutomationHeader = "X-Automation-Secret";

    public const string Alice = "5b10ac8d82e05b22cc7d4ef5";
    public const string Bob = "623940b450bb2b0070b5478c";

    public static Dictionary<string, string> Settings(Dictionary<string, string>? more = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["Jira:Secrets:0"] = JiraSecret,
            ["Jira:Secrets:1"] = JiraOldSecret,
            ["Jira:AutomationSecrets:0"] = AutomationSecret,
            ["Jira:AlertField"] = "customfield_10050",
            ["ServiceNow:Secrets:0"] = ServiceNowSecret,
        };
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        return settings;
    }

    public static async Task MapPeopleAsync(BridgeHarness bridge)
    {
        await bridge.MapAsync("jira", Alice, "u_alice_0");
        await bridge.MapAsync("jira", Bob, "u_bob_0");
        await bridge.MapAsync("jira-dc", "erin", "u_erin_0");
        await bridge.MapAsync("email", "dave@example.com", "u_dave_0");
        await bridge.MapAsync("servicenow", "alice.analyst", "u_alice_0");
        await bridge.MapAsync("servicenow", "bob.responder", "u_bob_0");
    }

    /// <summary>Puts people on an alert through the bridge itself, so they count as assignees the bridge manages.</summary>
    public static async Task AssignThroughBridgeAsync(BridgeHarness bridge, string space, string alertId, params string[] uids)
    {
        using var response = await bridge.Client.PostAsJsonAsync("/api/assignments", new { space, alertIds = new[] { alertId }, add = uids.Select(u => $"uid:{u}").ToArray() });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>An analyst's change in Kibana itself, straight to the simulator (not through the bridge).</summary>
    public static async Task ChangeInKibanaAsync(BridgeHarness bridge, string alertId, string[] add, string[] remove)
    {
        using var kibana = new HttpClient { BaseAddress = bridge.Kibana.BaseAddress };
        kibana.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", BridgeHarness.KibanaKey);
        kibana.DefaultRequestHeaders.Add("kbn-xsrf", "true");
        using var response = await kibana.PostAsJsonAsync(new Uri("api/detection_engine/signals/assignees", UriKind.Relative), new { assignees = new { add, remove }, ids = new[] { alertId } });
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    public static string Fixture(string relative) => File.ReadAllText(Path.Combine(RepositoryPaths.Root, "tests", "AssignBridge.IntegrationTests", "Fixtures", relative));

    /// <summary>The fixture with its send time set to now, so the replay window accepts it; nothing else changes.</summary>
    public static byte[] Fresh(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        if (node.ContainsKey("timestamp"))
        {
            node["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        }

        var now = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        foreach (var name in new[] { "sent_at", "sys_updated_on" })
        {
            if (node.ContainsKey(name))
            {
                node[name] = now;
            }
        }

        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    public static HttpClient Client(BridgeHarness bridge) => new() { BaseAddress = bridge.Client.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    public static async Task<HttpResponseMessage> PostJiraAsync(HttpClient client, byte[] body, string? secret = JiraSecret, string? identifier = null, string contentType = "application/json", Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, JiraEndpoints.Route) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType + "; charset=utf-8");
        request.Headers.UserAgent.ParseAdd("Atlassian-Webhook-HTTP-Client");
        if (secret is not null)
        {
            request.Headers.Add(JiraSignatureVerifier.SignatureHeader, JiraSignatureVerifier.Sign(secret, body));
        }

        request.Headers.Add(JiraEndpoints.IdentifierHeader, identifier ?? Guid.NewGuid().ToString());
        request.Headers.Add("X-Atlassian-Webhook-Flow", "Primary");
        configure?.Invoke(request);
        return await client.SendAsync(request);
    }

    public static async Task<HttpResponseMessage> PostAutomationAsync(HttpClient client, byte[] body, string secret = AutomationSecret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, JiraEndpoints.Route) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(AutomationHeader, secret);
        return await client.SendAsync(request);
    }

    public static async Task<HttpResponseMessage> PostServiceNowAsync(HttpClient client, byte[] body, bool hmac = true, string secret = ServiceNowSecret, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, ServiceNowEndpoints.Route) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.UserAgent.ParseAdd("ServiceNow/1.0");
        request.Headers.Add(hmac ? ServiceNowVerifier.SignatureHeader : ServiceNowVerifier.SecretHeader, hmac ? ServiceNowVerifier.Sign(secret, body) : secret);
        return await client.SendAsync(request);
    }

    public static async Task<JsonObject> ReadAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    /// <summary>Journal rows of one sender's deliveries, not its tickets' newest-event rows (the table may not exist yet: then none).</summary>
    public static async Task<int> JournalRowsAsync(BridgeHarness bridge, string source)
    {
        try
        {
            var rows = 0;
            await foreach (var _ in bridge.JournalTable.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {source} and (RowKey lt '%ticket|' or RowKey ge '%ticket}}')")))
            {
                rows++;
            }

            return rows;
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return 0;
        }
    }

    public static int AssigneeRequests(BridgeHarness bridge) =>
        bridge.Kibana.State.Requests.Count(r => r.Path.EndsWith("/signals/assignees", StringComparison.Ordinal));

    public static string[] Assignees(BridgeHarness bridge, string space, string alertId) =>
        [.. (bridge.Kibana.State.GetAssignees(space, alertId) ?? []).Order(StringComparer.Ordinal)];

    /// <summary>No secret and no signature value ever reaches a log line.</summary>
    public static void AssertNoSecretsLogged(BridgeHarness bridge, params string[] extra)
    {
        foreach (var line in bridge.Logs.Lines)
        {
            foreach (var secret in new[] { JiraSecret, JiraOldSecret, AutomationSecret, ServiceNowSecret }.Concat(extra))
            {
                Assert.DoesNotContain(secret, line, StringComparison.Ordinal);
            }

            Assert.DoesNotContain("sha256=", line, StringComparison.Ordinal);
        }
    }
}

using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net;
using System.Text.Json.Nodes;
using AssignBridge.Cli;
using AssignBridge.IntegrationTests.Infrastructure;
using Azure.Data.Tables;
using KibanaSimulator;
using Microsoft.Extensions.Time.Testing;

namespace AssignBridge.IntegrationTests.Audit;

/// <summary>The audit trail end to end: an assignment through the real HTTP surface, read back over /api/manage/audit and the CLI.</summary>
[Collection("azurite")]
public sealed class AuditTrailTests(AzuriteFixture azurite)
{
    private const string AdminToken = "admin-token-for-audit-tests";

    private static readonly Dictionary<string, string> s_settings = new() { ["Admin:Tokens:0"] = AdminToken, ["Kibana:MaxRetries"] = "0" };

    [Fact]
    public async Task Audit_AppliedAssignment_QueriedBackPerAlertAndPerTicket()
    {
        // Today, to the second, and standing still: the record's time is the moment of the assignment, exactly.
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        await using var bridge = await BridgeHarness.StartAsync(azurite, s_settings, time: new FakeTimeProvider(now));
        bridge.Kibana.State.SeedAlert("default", "alert-1", "u_bob_0");
        await bridge.MapAsync("jira", "5b10ac8d82e05b22cc7d4ef5", "u_alice_0");
        await AssignAsync(bridge, new { alertIds = new[] { "alert-1" }, add = new[] { "jira:5b10ac8d82e05b22cc7d4ef5" }, remove = new[] { "uid:u_bob_0" }, reference = "SOC-1234", requestedBy = "soar-playbook-7" }, "delivery-audit-1");

        var byAlert = await QueryAsync(bridge, "?alert=alert-1&space=default");
        var byTicket = await QueryAsync(bridge, "?ticket=SOC-1234");

        var record = Assert.Single(byAlert)!.AsObject();
        Assert.Equal("applied", record["result"]!.GetValue<string>());
        Assert.Equal("default", record["space"]!.GetValue<string>());
        Assert.Equal(["alert-1"], record["alerts"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal(["u_alice_0"], record["added"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal(["u_bob_0"], record["removed"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal("api", record["source"]!.GetValue<string>());
        Assert.Equal("delivery-audit-1", record["deliveryId"]!.GetValue<string>());
        Assert.Equal("SOC-1234", record["reference"]!.GetValue<string>());
        Assert.Equal("soar-playbook-7", record["requestedBy"]!.GetValue<string>());
        Assert.Equal(200, record["kibana"]!["status"]!.GetValue<int>());
        Assert.Equal(1, record["kibana"]!["updated"]!.GetValue<int>());
        Assert.Equal(now, record["at"]!.GetValue<DateTimeOffset>());
        Assert.Equal(record.ToJsonString(), Assert.Single(byTicket)!.ToJsonString());
    }

    [Fact]
    public async Task AuditCommand_AlertAndTicket_PrintTheRecord()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, s_settings);
        bridge.Kibana.State.SeedAlert("soc", "alert-7");
        await AssignAsync(bridge, new { space = "soc", alertIds = new[] { "alert-7" }, add = new[] { "uid:u_carol_0" }, reference = "INC0010001", requestedBy = "cli-test" }, "delivery-audit-2");

        var (alertCode, alertOut, _) = await RunAsync(bridge, "audit", "alert", "soc", "alert-7");
        var (ticketCode, ticketOut, _) = await RunAsync(bridge, "audit", "ticket", "INC0010001", "--json");
        var (noneCode, _, noneErr) = await RunAsync(bridge, "audit", "alert", "soc", "never-touched");

        Assert.Equal(0, alertCode);
        Assert.Contains("applied soc/alert-7 +u_carol_0 | api delivery delivery-audit-2, ref INC0010001, asked by cli-test | Kibana 200: total 1, updated 1", alertOut, StringComparison.Ordinal);
        Assert.Equal(0, ticketCode);
        Assert.Equal("delivery-audit-2", JsonNode.Parse(ticketOut)![0]!["deliveryId"]!.GetValue<string>());
        Assert.Equal(1, noneCode);
        Assert.Contains("0 records.", noneErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_KibanaRefusesForPrivileges_FailedRecordCarriesKibanasAnswer()
    {
        var kibana = new SimulatorOptions();
        kibana.ApiKeys.Add("some-other-key-with-alerts-all");
        kibana.ReadOnlyApiKeys.Add(BridgeHarness.KibanaKey);
        await using var bridge = await BridgeHarness.StartAsync(azurite, s_settings, kibana);
        bridge.Kibana.State.SeedAlert("default", "alert-1");

        using var response = await bridge.Client.PostAsJsonAsync("/api/assignments", new { alertIds = new[] { "alert-1" }, add = new[] { "uid:u_alice_0" }, reference = "SOC-9" });
        await bridge.RecordedAsync();
        var record = Assert.Single(await QueryAsync(bridge, "?ticket=SOC-9"))!;

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("failed", record["result"]!.GetValue<string>());
        Assert.Equal(403, record["kibana"]!["status"]!.GetValue<int>());
        Assert.Contains("alerts-all", record["kibana"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", HttpStatusCode.BadRequest)]
    [InlineData("?alert=a&ticket=t", HttpStatusCode.BadRequest)]
    [InlineData("?alert=a&space=Not%20A%20Space", HttpStatusCode.BadRequest)]
    public async Task Audit_BadQuery_400(string query, HttpStatusCode expected)
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, s_settings);

        using var response = await AdminClient(bridge).GetAsync(new Uri("/api/manage/audit" + query, UriKind.Relative));

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Audit_WithoutAdminToken_401()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, s_settings);

        using var response = await bridge.Client.GetAsync(new Uri("/api/manage/audit?alert=alert-1", UriKind.Relative)); // an assignments token is not an admin token

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Reconcile_AuditRowsOlderThanRetention_DeletedAndNewerKept()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string>(s_settings) { ["Audit:RetentionDays"] = "30" });
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        await AssignAsync(bridge, new { alertIds = new[] { "alert-1" }, add = new[] { "uid:u_alice_0" } }, "delivery-audit-3");
        var old = DateTimeOffset.UtcNow.AddDays(-31);
        await bridge.AuditTable.AddEntityAsync(new TableEntity(AssignBridge.Audit.AuditLog.AlertPartition("default", "alert-1"), AssignBridge.Audit.AuditLog.AlertRowKey("default", "alert-1", old, "old")) { ["At"] = old, ["Result"] = "applied", ["Space"] = "default" });
        Assert.Equal(2, (await QueryAsync(bridge, "?alert=alert-1")).Count);

        var reconcile = await bridge.ReconcileAsync();

        Assert.True(reconcile["ran"]!.GetValue<bool>());
        var left = Assert.Single(await QueryAsync(bridge, "?alert=alert-1"))!;
        Assert.Equal("delivery-audit-3", left["deliveryId"]!.GetValue<string>());
        Assert.Contains(bridge.Logs.Lines, line => line.Contains("Audit retention: deleted 1 rows older than 30 days", StringComparison.Ordinal));
    }

    internal static HttpClient AdminClient(BridgeHarness bridge)
    {
        var client = new HttpClient { BaseAddress = bridge.Client.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        return client;
    }

    private static async Task AssignAsync(BridgeHarness bridge, object body, string deliveryId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/assignments") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", deliveryId);
        using var response = await bridge.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await bridge.RecordedAsync(); // the audit rows are written just after the answer
    }

    private static async Task<JsonArray> QueryAsync(BridgeHarness bridge, string query)
    {
        using var client = AdminClient(bridge);
        using var response = await client.GetAsync(new Uri("/api/manage/audit" + query, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(BridgeHarness bridge, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, stdout, stderr, () => bridge.Services);
        return (code, stdout.ToString(), stderr.ToString());
    }
}

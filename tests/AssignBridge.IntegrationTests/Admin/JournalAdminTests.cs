using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net;
using System.Text.Json.Nodes;
using AssignBridge.IntegrationTests.Infrastructure;

namespace AssignBridge.IntegrationTests.Admin;

/// <summary>/api/manage/journal: operators list what the bridge holds and replay dead deliveries once the cause is fixed.</summary>
[Collection("azurite")]
public sealed class JournalAdminTests(AzuriteFixture azurite)
{
    private const string AdminToken = "admin-token-for-journal-tests";

    [Fact]
    public async Task DeadDelivery_ListedWithItsReason_ReplayedOnceKibanaIsBack()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string>
        {
            ["Admin:Tokens:0"] = AdminToken,
            ["Journal:MaxAttempts"] = "1",
            ["Kibana:MaxRetries"] = "0",
        });
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        bridge.Kibana.State.Faults.FailNext(1, 503, "boom");
        using (var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/assignments", UriKind.Relative)) { Content = JsonContent.Create(new { alertIds = new[] { "alert-1" }, add = new[] { "u_alice_0" } }) })
        {
            request.Headers.Add("Idempotency-Key", "dead-one");
            using var response = await bridge.Client.SendAsync(request);
        }

        using var admin = Admin(bridge);
        var dead = JsonNode.Parse(await admin.GetStringAsync(new Uri("/api/manage/journal?status=dead", UriKind.Relative)))!.AsArray();
        var entry = Assert.Single(dead)!;
        Assert.Equal("dead-one", entry["deliveryId"]!.GetValue<string>());
        Assert.Contains("Kibana 503", entry["lastError"]!.GetValue<string>(), StringComparison.Ordinal);

        using var replay = await admin.PostAsync(new Uri("/api/manage/journal/api/dead-one/replay", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal("applied", JsonNode.Parse(await replay.Content.ReadAsStringAsync())!["status"]!.GetValue<string>());
        Assert.Equal(["u_alice_0"], bridge.Kibana.State.GetAssignees("default", "alert-1"));

        using var again = await admin.PostAsync(new Uri("/api/manage/journal/api/dead-one/replay", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task ReplayAll_ReplaysEveryDeadDelivery()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string>
        {
            ["Admin:Tokens:0"] = AdminToken,
            ["Journal:MaxAttempts"] = "1",
            ["Kibana:MaxRetries"] = "0",
        });
        for (var i = 0; i < 3; i++)
        {
            bridge.Kibana.State.SeedAlert("default", $"alert-{i}");
        }

        bridge.Kibana.State.Faults.FailNext(3, 500, "siem");
        for (var i = 0; i < 3; i++)
        {
            using var response = await bridge.Client.PostAsJsonAsync(new Uri("/api/assignments", UriKind.Relative), new { alertIds = new[] { $"alert-{i}" }, add = new[] { "u_bob_0" } });
        }

        using var admin = Admin(bridge);
        using var replay = await admin.PostAsync(new Uri("/api/manage/journal/replay", UriKind.Relative), null);

        var summary = JsonNode.Parse(await replay.Content.ReadAsStringAsync())!;
        Assert.Equal(3, summary["replayed"]!.GetValue<int>());
        Assert.Equal(3, summary["applied"]!.GetValue<int>());
    }

    [Fact]
    public async Task WithoutTheAdminToken_401()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string> { ["Admin:Tokens:0"] = AdminToken });

        using var response = await bridge.Client.GetAsync(new Uri("/api/manage/journal", UriKind.Relative)); // carries the assignments token, not an admin one

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task UnknownStatus_400()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string> { ["Admin:Tokens:0"] = AdminToken });
        using var admin = Admin(bridge);

        using var response = await admin.GetAsync(new Uri("/api/manage/journal?status=zombie", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static HttpClient Admin(BridgeHarness bridge)
    {
        var client = new HttpClient { BaseAddress = bridge.Client.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        return client;
    }
}

using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net;
using System.Text.Json.Nodes;
using AssignBridge.IntegrationTests.Infrastructure;

namespace AssignBridge.IntegrationTests.Reconciliation;

/// <summary>Reconcile's drift check puts back bridge-managed assignees that went missing in Kibana, and nothing else.</summary>
[Collection("azurite")]
public sealed class DriftTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task ManagedAssigneeRemovedInKibana_PutBack()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string> { ["Reconcile:DriftCheck"] = "true", ["Admin:Tokens:0"] = "drift-admin" });
        bridge.Kibana.State.SeedAlert("default", "a1", "u_carol_0");
        bridge.Kibana.State.SeedAlert("default", "a2");
        using (var assigned = await bridge.Client.PostAsJsonAsync(new Uri("/api/assignments", UriKind.Relative), new { alertIds = new[] { "a1", "a2" }, add = new[] { "u_alice_0" } }))
        {
            Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        }

        // Someone unassigns Alice from a1 and Carol (not the bridge's) in Kibana itself.
        await UnassignInKibanaAsync(bridge, "a1", "u_alice_0", "u_carol_0");

        var drift = (await ReconcileAsync(bridge))["drift"]!;

        Assert.Equal(2, drift["checked"]!.GetValue<int>());
        Assert.Equal(1, drift["found"]!.GetValue<int>());
        Assert.Equal(1, drift["repaired"]!.GetValue<int>());
        Assert.Equal(["u_alice_0"], bridge.Kibana.State.GetAssignees("default", "a1"));
        Assert.Equal(["u_alice_0"], bridge.Kibana.State.GetAssignees("default", "a2"));

        // The repair is in the audit trail like any change the bridge makes.
        using var admin = new HttpClient { BaseAddress = bridge.Client.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "drift-admin");
        var audit = JsonNode.Parse(await admin.GetStringAsync(new Uri("/api/manage/audit?alert=a1&space=default", UriKind.Relative)))!.AsArray();
        var repair = Assert.Single(audit, r => r!["source"]!.GetValue<string>() == "reconcile")!;
        Assert.Equal(["u_alice_0"], repair["added"]!.AsArray().Select(a => a!.GetValue<string>()));
    }

    [Fact]
    public async Task RemovedThroughTheBridge_NotPutBack()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string> { ["Reconcile:DriftCheck"] = "true" });
        bridge.Kibana.State.SeedAlert("default", "a1");
        using (await bridge.Client.PostAsJsonAsync(new Uri("/api/assignments", UriKind.Relative), new { alertIds = new[] { "a1" }, add = new[] { "u_alice_0" } }))
        {
        }

        using (await bridge.Client.PostAsJsonAsync(new Uri("/api/assignments", UriKind.Relative), new { alertIds = new[] { "a1" }, remove = new[] { "u_alice_0" } }))
        {
        }

        var drift = (await ReconcileAsync(bridge))["drift"]!;

        Assert.Equal(0, drift["found"]!.GetValue<int>());
        Assert.Empty(bridge.Kibana.State.GetAssignees("default", "a1")!);
    }

    [Fact]
    public async Task DriftCheckOff_NoDriftReport()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);

        var report = await ReconcileAsync(bridge);

        Assert.Null(report["drift"]);
    }

    private static Task UnassignInKibanaAsync(BridgeHarness bridge, string alertId, params string[] uids) =>
        Sources.TicketWebhooks.ChangeInKibanaAsync(bridge, alertId, [], uids);

    private static Task<JsonNode> ReconcileAsync(BridgeHarness bridge) => bridge.ReconcileAsync();
}

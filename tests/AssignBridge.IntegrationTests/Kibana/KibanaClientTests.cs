using AssignBridge.IntegrationTests.Infrastructure;
using AssignBridge.Kibana;
using Microsoft.Extensions.DependencyInjection;

namespace AssignBridge.IntegrationTests.Kibana;

/// <summary>The bridge's own KibanaClient (headers, key, retries as registered) against the simulator.</summary>
[Collection("azurite")]
public sealed class KibanaClientTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task GetAssigneesAsync_ReadsSignalsSearch_AbsentAlertsLeftOutNeverAssignedEmpty()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        bridge.Kibana.State.SeedAlert("soc", "a1", "u_1", "u_2");
        bridge.Kibana.State.SeedAlert("soc", "a2");
        bridge.Kibana.State.SeedAlert("default", "a3", "u_9");
        var kibana = bridge.Services.GetRequiredService<KibanaClient>();

        var assignees = await kibana.GetAssigneesAsync("soc", ["a1", "a2", "a3", "missing"]);

        Assert.Equal(["u_1", "u_2"], assignees["a1"]);
        Assert.Empty(assignees["a2"]);
        Assert.False(assignees.ContainsKey("a3")); // another space
        Assert.False(assignees.ContainsKey("missing"));
        Assert.Contains(bridge.Kibana.State.Requests, r => r.Path == "/s/soc/api/detection_engine/signals/search");
    }

    [Fact]
    public async Task SetThenGet_RoundTripFollowsKibanasScript()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string> { ["Kibana:MaxIdsPerRequest"] = "3" });
        var ids = Enumerable.Range(0, 7).Select(i => $"a{i}").ToArray();
        foreach (var id in ids)
        {
            bridge.Kibana.State.SeedAlert("default", id, "u_1", "u_2");
        }

        var kibana = bridge.Services.GetRequiredService<KibanaClient>();

        var response = await kibana.SetAssigneesAsync("default", ["a0", "a1"], ["u_3"], ["u_2"]);
        var assignees = await kibana.GetAssigneesAsync("default", ids);

        Assert.Equal(2, response.Updated);
        Assert.Equal(["u_1", "u_3"], assignees["a0"]);
        Assert.Equal(["u_1", "u_2"], assignees["a6"]);
        Assert.Equal(7, assignees.Count); // read in chunks of 3
    }

    [Fact]
    public async Task SetAssigneesAsync_RequestKibanaWouldRefuse_NeverSent()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        var kibana = bridge.Services.GetRequiredService<KibanaClient>();

        await Assert.ThrowsAsync<ArgumentException>(() => kibana.SetAssigneesAsync("default", ["a1"], ["u_1"], ["u_1"]));
        await Assert.ThrowsAsync<ArgumentException>(() => kibana.SetAssigneesAsync("default", [], ["u_1"], []));
        await Assert.ThrowsAsync<ArgumentException>(() => kibana.SetAssigneesAsync("default", ["a1"], [" "], []));
        await Assert.ThrowsAsync<ArgumentException>(() => kibana.SetAssigneesAsync("Bad Space", ["a1"], ["u_1"], []));
        Assert.Empty(bridge.Kibana.State.Requests);
    }
}

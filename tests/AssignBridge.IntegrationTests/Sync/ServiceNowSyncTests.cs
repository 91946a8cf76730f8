using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AssignBridge.IntegrationTests.Infrastructure;
using ServiceNowSimulator;
using static AssignBridge.IntegrationTests.Sources.TicketWebhooks;

namespace AssignBridge.IntegrationTests.Sync;

/// <summary>Two-way sync with ServiceNow over real HTTP: a Kibana change reaches the record's assigned_to; the record's own webhook of that write is not applied again.</summary>
[Collection("azurite")]
public sealed class ServiceNowSyncTests(AzuriteFixture azurite)
{
    private const string Incident = "9d385017c611228701d22104cc95c371";
    private const string AliceSysId = "62826bf03710200044e0bfc8bcbe5df1";
    private const string BobSysId = "681ccaf9c0a8016400b98a06818d57c7";
    private const string CarolSysId = "46d44a23a9fe19810012d100cca80666";
    private const string BridgeUser = "assignbridge.sync";
    private const string Password = "servicenow-password-for-tests-91c2";

    [Fact]
    public async Task AnalystReassignsInKibana_RecordFollows_ItsWebhookOfThatWriteIgnored()
    {
        var options = new ServiceNowSimulatorOptions();
        options.BasicUsers[BridgeUser] = Password;
        await using var serviceNow = await RunningServiceNowSimulator.StartAsync(options);
        serviceNow.State.SeedUser(AliceSysId, "alice.analyst");
        serviceNow.State.SeedUser(BobSysId, "bob.responder");
        serviceNow.State.SeedUser(CarolSysId, "carol.cook");
        serviceNow.State.SeedRecord("incident", Incident, new Dictionary<string, string> { ["assigned_to"] = AliceSysId, ["sys_mod_count"] = "3" });
        await using var bridge = await BridgeHarness.StartAsync(azurite, Settings(new()
        {
            ["ServiceNow:SyncFromKibana"] = "true",
            ["ServiceNow:SyncAccount"] = BridgeUser,
            ["ServiceNow:Api:InstanceUrl"] = serviceNow.BaseAddress.ToString(),
            ["ServiceNow:Api:User"] = BridgeUser,
        }));
        bridge.Vault.SetSecret("servicenow-password", Password);
        await MapPeopleAsync(bridge);
        await bridge.MapAsync("servicenow", "carol.cook", "u_carol_0");
        bridge.Kibana.State.SeedAlert("default", "alert-10");
        using var client = Client(bridge);
        using (var assigned = await PostServiceNowAsync(client, Fresh(Fixture("servicenow/incident-assigned.json"))))
        {
            Assert.Equal("applied", (await ReadAsync(assigned))["status"]!.GetValue<string>());
        }

        await bridge.RecordedAsync();
        await bridge.ReconcileAsync();
        await ChangeInKibanaAsync(bridge, "alert-10", add: ["u_carol_0"], remove: ["u_alice_0"]);

        var run = await bridge.ReconcileAsync();

        Assert.Equal(1, run["sync"]!["written"]!.GetValue<int>());
        Assert.Equal(CarolSysId, serviceNow.State.GetRecord("incident", Incident)["assigned_to"]);
        var patch = Assert.Single(serviceNow.State.Requests, r => r.Method == "PATCH");
        Assert.Equal($"/api/now/table/incident/{Incident}", patch.PathAndQuery.Split('?')[0]);
        Assert.Equal($"Basic {Convert.ToBase64String(Encoding.UTF8.GetBytes($"{BridgeUser}:{Password}"))}", patch.Headers["Authorization"]);
        Assert.Equal(BridgeUser, serviceNow.State.GetRecord("incident", Incident)["sys_updated_by"]);

        // The Business Rule reports the write, made by the bridge's own user: not applied to Kibana again.
        var kibanaWrites = AssigneeRequests(bridge);
        var echo = JsonNode.Parse(Fixture("servicenow/incident-assigned.json"))!.AsObject();
        echo["sys_mod_count"] = 4;
        echo["assigned_to"] = new JsonObject { ["sys_id"] = CarolSysId, ["user_name"] = "carol.cook" };
        echo["previous_assigned_to"] = new JsonObject { ["sys_id"] = AliceSysId, ["user_name"] = "alice.analyst" };
        echo["updated_by"] = BridgeUser;
        using var echoed = await PostServiceNowAsync(client, Fresh(echo.ToJsonString()));

        Assert.Equal("ignored", (await ReadAsync(echoed))["status"]!.GetValue<string>());
        Assert.Equal(kibanaWrites, AssigneeRequests(bridge));
        AssertNoSecretsLogged(bridge, Password);
    }
}

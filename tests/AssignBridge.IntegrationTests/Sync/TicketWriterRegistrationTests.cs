using AssignBridge.IntegrationTests.Infrastructure;
using AssignBridge.Tickets;
using JiraSimulator;
using Microsoft.Extensions.DependencyInjection;

namespace AssignBridge.IntegrationTests.Sync;

/// <summary>The writers as the running bridge registers them (HostingExtensions, AppOptions), with its own Key Vault client.</summary>
[Collection("azurite")]
public sealed class TicketWriterRegistrationTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Bridge_JiraApiConfigured_WritesThroughTheVaultsToken()
    {
        await using var jira = await RunningJiraSimulator.StartAsync(new JiraSimulatorOptions { CloudApiTokens = { ["bridge@example.com"] = "vault-held-token" } });
        jira.State.SeedIssue("SEC-1", assignableUsers: ["acc-1"]);
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string>
        {
            ["Jira:Api:BaseUrl"] = jira.BaseAddress.ToString(),
            ["Jira:Api:Email"] = "bridge@example.com",
        });
        bridge.Vault.SetSecret("jira-api-token", "vault-held-token");

        var writers = bridge.Services.GetServices<ITicketWriter>().ToList();
        await writers.Single(w => w.Source == "jira").SetAssigneeAsync("jira:SEC-1", "acc-1", CancellationToken.None);

        Assert.Equal([("jira", "jira", true), ("servicenow", "servicenow", false)], writers.Select(w => (w.Source, w.Namespace, w.Configured)));
        Assert.Equal("acc-1", jira.State.GetAssignee("SEC-1"));
    }
}

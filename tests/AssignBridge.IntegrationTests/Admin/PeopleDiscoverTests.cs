using System.Net;
using AssignBridge.IntegrationTests.Infrastructure;
using AssignBridge.IntegrationTests.People;
using AssignBridge.Kibana;
using AssignBridge.People;
using Microsoft.Extensions.DependencyInjection;

namespace AssignBridge.IntegrationTests.Admin;

/// <summary>`people discover` against the simulator's GET /internal/detection_engine/users/_find (kibana-api-facts.md §3a).</summary>
[Collection("azurite")]
public sealed class PeopleDiscoverTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task FindUserProfiles_SeededProfiles_SendsInternalHeadersAndMatchesTerm()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        bridge.Kibana.State.SeedUserProfile("u_alice_0", "alice", "Alice@Example.com", "Alice Analyst");
        bridge.Kibana.State.SeedUserProfile("u_bob_0", "bob", email: null);

        var found = await bridge.Services.GetRequiredService<KibanaClient>().FindUserProfilesAsync("soc", "analyst");

        var alice = Assert.Single(found);
        Assert.Equal(("u_alice_0", "Alice@Example.com", "Alice Analyst"), (alice.Uid, alice.Email, alice.FullName));
        var sent = Assert.Single(bridge.Kibana.State.Requests, r => r.Path.Contains("users/_find", StringComparison.Ordinal));
        Assert.Equal("/s/soc/internal/detection_engine/users/_find", sent.Path);
        Assert.Equal("1", sent.Headers["elastic-api-version"]);
        Assert.True(sent.Headers.ContainsKey("x-elastic-internal-origin"));
    }

    [Fact]
    public async Task Simulator_UsersFindWithoutOriginHeader_400AsKibana()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        using var http = new HttpClient { BaseAddress = bridge.Kibana.BaseAddress };
        http.DefaultRequestHeaders.Add("Authorization", $"ApiKey {BridgeHarness.KibanaKey}");

        using var response = await http.GetAsync("internal/detection_engine/users/_find?searchTerm=a");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("uri [/internal/detection_engine/users/_find] with method [get] exists but is not available with the current configuration",
            await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DiscoverCommand_WithoutWrite_ProposesAndWritesNothing_ThenWriteWrites()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        bridge.Kibana.State.SeedUserProfile("u_alice_0", "alice", "Alice@Example.com", "Alice Analyst");
        bridge.Kibana.State.SeedUserProfile("u_bob_0", "bob", "bob@example.com");
        bridge.Kibana.State.SeedUserProfile("u_nomail_0", "nomail");
        await bridge.MapAsync("email", "bob@example.com", "u_bob_0");

        var (code, stdout, stderr) = await PeopleImportTests.RunAsync(bridge, "people", "discover");
        var rowsBefore = await bridge.People.QueryAsync<PersonEntity>().ToListAsync();
        var (writeCode, written, _) = await PeopleImportTests.RunAsync(bridge, "people", "discover", "--write", "--search", "alice");

        Assert.Equal(0, code);
        Assert.Contains("+ email:alice@example.com -> u_alice_0 \"Alice Analyst\"", stdout, StringComparison.Ordinal);
        Assert.Contains("would add 1", stdout, StringComparison.Ordinal);
        Assert.Contains("unchanged 1", stdout, StringComparison.Ordinal);
        Assert.Contains("internal route", stderr, StringComparison.Ordinal);
        Assert.Single(rowsBefore);
        Assert.Equal(0, writeCode);
        Assert.Contains("added 1", written, StringComparison.Ordinal);
        var alice = (await bridge.People.GetEntityAsync<PersonEntity>("email", "alice@example.com")).Value;
        Assert.Equal(("u_alice_0", $"cli:{Environment.UserName}"), (alice.KibanaUid, alice.UpdatedBy));
    }

    [Fact]
    public async Task DiscoverCommand_OldKibanaWithoutRoute_ClearMessageExitTwo()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        bridge.Kibana.State.UserProfilesRouteAvailable = false;

        var (code, _, stderr) = await PeopleImportTests.RunAsync(bridge, "people", "discover");

        Assert.Equal(2, code);
        Assert.Contains("Kibana has no GET /internal/detection_engine/users/_find route", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void ExplainDiscoveryFailure_RestrictedInternalRoute_NamesIt()
    {
        var exception = new KibanaRequestException(400, "uri [/internal/detection_engine/users/_find] with method [get] exists but is not available with the current configuration", isRetryable: false);

        Assert.Contains("server.restrictInternalApis", PeopleAdmin.ExplainDiscoveryFailure(exception), StringComparison.Ordinal);
    }
}

using System.Text;
using AssignBridge.IntegrationTests.Infrastructure;
using AssignBridge.Tickets;
using ServiceNowSimulator;

namespace AssignBridge.IntegrationTests.Sync;

/// <summary>
/// The ServiceNow writer over real HTTP against the ServiceNow simulator (docs/ticket-apis.md "ServiceNow"): basic auth
/// and OAuth client credentials, people named by sys_id or by user_name.
/// </summary>
public sealed class ServiceNowTicketWriterTests : IAsyncLifetime
{
    private const string User = "bridge.integration";
    private const string Password = "pw-3e8d1c";
    private const string ClientId = "bridge-client";
    private const string ClientSecret = "client-secret-55a0";
    private const string Incident = "0123456789abcdef0123456789abcdef";
    private const string Key = $"servicenow:incident:{Incident}";
    private const string AbelSysId = "62826bf03710200044e0bfc8bcbe5df1";
    private const string BethSysId = "46d44a23a9fe19810012d100cca80666";

    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _time = SyncClock.Start();
    private RunningServiceNowSimulator _serviceNow = null!;

    private ServiceNowState State => _serviceNow.State;

    public async Task InitializeAsync()
    {
        var options = new ServiceNowSimulatorOptions
        {
            BasicUsers = { [User] = Password, ["read.only"] = "read-only-pw" },
            OAuthClients = { [ClientId] = new OAuthClient(ClientSecret, "oauth.user") },
            ReadOnlyUsers = { "read.only" },
        };
        _serviceNow = await RunningServiceNowSimulator.StartAsync(options, _time);
        State.SeedUser(AbelSysId, "abel.tuter");
        State.SeedUser(BethSysId, "beth.anglin");
        State.SeedRecord("incident", Incident, new Dictionary<string, string> { ["number"] = "INC0010001" });
    }

    public async Task DisposeAsync() => await _serviceNow.DisposeAsync();

    [Fact]
    public async Task BasicSetAssignee_SysIdIdentity_PatchesAssignedToWithBasicAuth()
    {
        await using var host = Basic("sys_id");

        await host.ServiceNow.SetAssigneeAsync(Key, AbelSysId, CancellationToken.None);

        Assert.Equal(AbelSysId, State.GetRecord("incident", Incident)["assigned_to"]);
        var request = Assert.Single(State.Requests);
        Assert.Equal(("PATCH", $$"""{"assigned_to":"{{AbelSysId}}"}""", 200), (request.Method, request.Body, request.Status));
        Assert.StartsWith($"/api/now/table/incident/{Incident}?", request.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}")), request.Headers["Authorization"]);
        Assert.Equal("application/json", request.Headers["Accept"]);
    }

    [Fact]
    public async Task BasicSetAssignee_UserNameIdentity_LooksUpTheSysIdThenPatchesIt()
    {
        await using var host = Basic("user_name");

        await host.ServiceNow.SetAssigneeAsync(Key, "beth.anglin", CancellationToken.None);

        Assert.Equal(BethSysId, State.GetRecord("incident", Incident)["assigned_to"]);
        Assert.Equal(
            [
                ("GET", "/api/now/table/sys_user?sysparm_query=user_name%3Dbeth.anglin&sysparm_fields=sys_id&sysparm_limit=1", ""),
                ("PATCH", $"/api/now/table/incident/{Incident}?sysparm_fields=assigned_to&sysparm_exclude_reference_link=true", $$"""{"assigned_to":"{{BethSysId}}"}"""),
            ],
            State.Requests.Select(r => (r.Method, r.PathAndQuery, r.Body)));
    }

    [Fact]
    public async Task SetAssignee_UnknownUserName_NotRetryableNamingTheUserAndNothingWritten()
    {
        State.SeedRecord("incident", Incident, new Dictionary<string, string> { ["assigned_to"] = AbelSysId });
        await using var host = Basic("user_name");

        var failure = await Assert.ThrowsAsync<TicketWriteException>(() => host.ServiceNow.SetAssigneeAsync(Key, "no.such.user", CancellationToken.None));

        Assert.False(failure.IsRetryable);
        Assert.Contains("'no.such.user'", failure.Message, StringComparison.Ordinal);
        Assert.Equal(AbelSysId, State.GetRecord("incident", Incident)["assigned_to"]);
        Assert.DoesNotContain(State.Requests, r => r.Method == "PATCH");
    }

    [Theory]
    [InlineData("sys_id")]
    [InlineData("user_name")]
    public async Task SetAssignee_Null_ClearsAssignedTo(string identity)
    {
        State.SeedRecord("incident", Incident, new Dictionary<string, string> { ["assigned_to"] = AbelSysId });
        await using var host = Basic(identity);

        await host.ServiceNow.SetAssigneeAsync(Key, null, CancellationToken.None);

        Assert.Equal("", State.GetRecord("incident", Incident)["assigned_to"]);
        Assert.Equal("""{"assigned_to":""}""", Assert.Single(State.Requests).Body);
    }

    [Fact]
    public async Task GetAssignee_SysIdIdentity_ReturnsTheSysId()
    {
        State.SeedRecord("incident", Incident, new Dictionary<string, string> { ["assigned_to"] = AbelSysId });
        await using var host = Basic("sys_id");

        Assert.Equal(AbelSysId, await host.ServiceNow.GetAssigneeAsync(Key, CancellationToken.None));
        Assert.Equal($"/api/now/table/incident/{Incident}?sysparm_fields=assigned_to&sysparm_exclude_reference_link=true", Assert.Single(State.Requests).PathAndQuery);
    }

    [Fact]
    public async Task GetAssignee_UserNameIdentity_MapsTheSysIdBackToTheUserName()
    {
        State.SeedRecord("incident", Incident, new Dictionary<string, string> { ["assigned_to"] = BethSysId });
        await using var host = Basic("user_name");

        Assert.Equal("beth.anglin", await host.ServiceNow.GetAssigneeAsync(Key, CancellationToken.None));
        Assert.Equal($"/api/now/table/sys_user/{BethSysId}?sysparm_fields=user_name", State.Requests[^1].PathAndQuery);
    }

    [Theory]
    [InlineData("sys_id")]
    [InlineData("user_name")]
    public async Task GetAssignee_Unassigned_ReturnsNullAfterOneRequest(string identity)
    {
        await using var host = Basic(identity);

        Assert.Null(await host.ServiceNow.GetAssigneeAsync(Key, CancellationToken.None));
        Assert.Single(State.Requests);
    }

    [Fact]
    public async Task OAuth_TwoCalls_OneTokenRequestAndBearerOnTheTableApi()
    {
        await using var host = OAuth("sys_id");

        await host.ServiceNow.SetAssigneeAsync(Key, AbelSysId, CancellationToken.None);
        Assert.Equal(AbelSysId, await host.ServiceNow.GetAssigneeAsync(Key, CancellationToken.None));

        var requests = State.Requests;
        Assert.Equal(["/oauth_token.do", $"/api/now/table/incident/{Incident}", $"/api/now/table/incident/{Incident}"], requests.Select(r => r.PathAndQuery.Split('?')[0]));
        Assert.Equal(("POST", 200), (requests[0].Method, requests[0].Status));
        Assert.Equal($"grant_type=client_credentials&client_id={ClientId}&client_secret={ClientSecret}", requests[0].Body);
        Assert.StartsWith("Bearer ", requests[1].Headers["Authorization"], StringComparison.Ordinal);
        Assert.Equal(requests[1].Headers["Authorization"], requests[2].Headers["Authorization"]);
        Assert.Equal("oauth.user", State.GetRecord("incident", Incident)["sys_updated_by"]);
    }

    [Fact]
    public async Task OAuth_TokenNearItsExpiry_AsksForANewOneBeforeUsingIt()
    {
        await using var host = OAuth("sys_id");
        await host.ServiceNow.GetAssigneeAsync(Key, CancellationToken.None);

        // expires_in is 1,800 s; the bridge stops using a token a minute before its end.
        _time.Advance(TimeSpan.FromSeconds(1_710));
        await host.ServiceNow.GetAssigneeAsync(Key, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(40));
        await host.ServiceNow.GetAssigneeAsync(Key, CancellationToken.None);

        Assert.Equal(2, State.Requests.Count(r => r.PathAndQuery == "/oauth_token.do"));
        Assert.All(State.Requests, r => Assert.Equal(200, r.Status));
    }

    [Fact]
    public async Task OAuth_TokenRefusedWith401_DropsItGetsANewOneAndRetriesOnce()
    {
        await using var host = OAuth("sys_id");
        await host.ServiceNow.GetAssigneeAsync(Key, CancellationToken.None);
        State.ExpireTokens(); // the instance revoked it

        await host.ServiceNow.SetAssigneeAsync(Key, AbelSysId, CancellationToken.None);

        Assert.Equal(AbelSysId, State.GetRecord("incident", Incident)["assigned_to"]);
        Assert.Equal([200, 200, 401, 200, 200], State.Requests.Select(r => r.Status));
        Assert.Equal(2, State.Requests.Count(r => r.PathAndQuery == "/oauth_token.do"));
    }

    [Fact]
    public async Task OAuth_ClientSecretRotatedInKeyVault_TokenEndpoint401ReReadsItOnce()
    {
        await using var vault = await KeyVaultFake.StartAsync();
        vault.SetSecret("servicenow-client-secret", "the-old-client-secret");
        await using var host = WriterHost.Start(OAuthVaultSettings(), _time, vault);
        await host.Secret("servicenow-client-secret", ServiceNowApiOptions.LocalClientSecretSetting).GetAsync();
        vault.SetSecret("servicenow-client-secret", ClientSecret);

        await host.ServiceNow.SetAssigneeAsync(Key, AbelSysId, CancellationToken.None);

        Assert.Equal(AbelSysId, State.GetRecord("incident", Incident)["assigned_to"]);
        Assert.Equal([401, 200, 200], State.Requests.Select(r => r.Status));
        Assert.Equal(2, vault.GetSecretRequests);
    }

    [Fact]
    public async Task OAuth_ClientSecretWrongAndNotRotated_NotRetryableNamingTheSecretNotItsValue()
    {
        await using var vault = await KeyVaultFake.StartAsync();
        vault.SetSecret("servicenow-client-secret", "a-wrong-client-secret");
        await using var host = WriterHost.Start(OAuthVaultSettings(), _time, vault);

        var failure = await Assert.ThrowsAsync<TicketWriteException>(() => host.ServiceNow.SetAssigneeAsync(Key, AbelSysId, CancellationToken.None));

        Assert.Equal((401, false, "invalid_client: access_denied"), (failure.StatusCode, failure.IsRetryable, failure.Detail));
        Assert.Contains("Key Vault secret 'servicenow-client-secret'", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("a-wrong-client-secret", failure.ToString(), StringComparison.Ordinal);
        Assert.Equal(["/oauth_token.do"], State.Requests.Select(r => r.PathAndQuery));
    }

    [Fact]
    public async Task Basic_PasswordRotatedInKeyVault_401ReReadsOnceAndSucceeds()
    {
        await using var vault = await KeyVaultFake.StartAsync();
        vault.SetSecret("servicenow-password", "the-old-password");
        await using var host = WriterHost.Start(BasicVaultSettings(), _time, vault);
        await host.Secret("servicenow-password", ServiceNowApiOptions.LocalPasswordSetting).GetAsync();
        vault.SetSecret("servicenow-password", Password);

        await host.ServiceNow.SetAssigneeAsync(Key, AbelSysId, CancellationToken.None);

        Assert.Equal([401, 200], State.Requests.Select(r => r.Status));
        Assert.Equal(2, vault.GetSecretRequests);
    }

    [Fact]
    public async Task Basic_RotatedPasswordRefusedToo_NotRetryableNamingTheSecret()
    {
        await using var vault = await KeyVaultFake.StartAsync();
        vault.SetSecret("servicenow-password", "the-old-password");
        await using var host = WriterHost.Start(BasicVaultSettings(), _time, vault);
        await host.Secret("servicenow-password", ServiceNowApiOptions.LocalPasswordSetting).GetAsync();
        vault.SetSecret("servicenow-password", "still-not-the-password");

        var failure = await Assert.ThrowsAsync<TicketWriteException>(() => host.ServiceNow.SetAssigneeAsync(Key, AbelSysId, CancellationToken.None));

        Assert.Equal((401, false, "User Not Authenticated: Required to provide Auth information"), (failure.StatusCode, failure.IsRetryable, failure.Detail));
        Assert.Contains("Key Vault secret 'servicenow-password'", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("still-not-the-password", failure.ToString(), StringComparison.Ordinal);
        Assert.Equal([401, 401], State.Requests.Select(r => r.Status));
    }

    [Fact]
    public async Task SetAssignee_UserFailsTheWriteAcl_403NotRetryableWithServiceNowsMessage()
    {
        var settings = BasicSettings("sys_id");
        (settings["ServiceNow:Api:User"], settings["ServiceNow:Api:Password"]) = ("read.only", "read-only-pw");
        await using var host = WriterHost.Start(settings, _time);

        var failure = await Assert.ThrowsAsync<TicketWriteException>(() => host.ServiceNow.SetAssigneeAsync(Key, AbelSysId, CancellationToken.None));

        Assert.Equal(("ServiceNow", 403, false), (failure.System, failure.StatusCode, failure.IsRetryable));
        Assert.Equal("Operation Failed: ACL Exception Update Failed due to security constraints", failure.Detail);
    }

    [Fact]
    public async Task SetAssignee_UnknownRecord_404NotRetryableWithServiceNowsMessage()
    {
        await using var host = Basic("sys_id");

        var failure = await Assert.ThrowsAsync<TicketWriteException>(() =>
            host.ServiceNow.SetAssigneeAsync("servicenow:incident:ffffffffffffffffffffffffffffffff", AbelSysId, CancellationToken.None));

        Assert.Equal((404, false), (failure.StatusCode, failure.IsRetryable));
        Assert.Equal("No Record found: Record doesn't exist or ACL restricts the record retrieval", failure.Detail);
    }

    [Fact]
    public async Task GetAssignee_UnknownTable_400NotRetryable()
    {
        await using var host = Basic("sys_id");

        var failure = await Assert.ThrowsAsync<TicketWriteException>(() => host.ServiceNow.GetAssigneeAsync($"servicenow:no_such_table:{Incident}", CancellationToken.None));

        Assert.Equal((400, false, "Invalid table no_such_table"), (failure.StatusCode, failure.IsRetryable, failure.Detail));
    }

    [Fact]
    public async Task SetAssignee_429WithRetryAfter_RetryableAfterThatLong()
    {
        State.Faults.FailNext(1, 429, TimeSpan.FromSeconds(120));
        await using var host = Basic("sys_id");

        var failure = await Assert.ThrowsAsync<TicketWriteException>(() => host.ServiceNow.SetAssigneeAsync(Key, AbelSysId, CancellationToken.None));

        Assert.Equal((429, true, TimeSpan.FromSeconds(120)), (failure.StatusCode, failure.IsRetryable, failure.RetryAfter));
        Assert.StartsWith("Rate limit exceeded: ", failure.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetAssignee_503_RetryableAfterOneAttempt()
    {
        State.Faults.FailNext(2, 503);
        await using var host = Basic("sys_id");

        var failure = await Assert.ThrowsAsync<TicketWriteException>(() => host.ServiceNow.SetAssigneeAsync(Key, AbelSysId, CancellationToken.None));

        Assert.Equal((503, true), (failure.StatusCode, failure.IsRetryable));
        Assert.Single(State.Requests);
    }

    [Fact]
    public async Task SetAssignee_ConnectionRefused_StatusZeroRetryable()
    {
        var settings = BasicSettings("sys_id");
        settings["ServiceNow:Api:InstanceUrl"] = WriterHost.RefusingAddress().ToString();
        await using var host = WriterHost.Start(settings, _time);

        var failure = await Assert.ThrowsAsync<TicketWriteException>(() => host.ServiceNow.SetAssigneeAsync(Key, AbelSysId, CancellationToken.None));

        Assert.Equal(("ServiceNow", 0, true), (failure.System, failure.StatusCode, failure.IsRetryable));
    }

    [Fact]
    public async Task Logs_BasicAndOAuthWithRotation_HoldNoPasswordSecretOrToken()
    {
        await using var vault = await KeyVaultFake.StartAsync();
        vault.SetSecret("servicenow-client-secret", "the-old-client-secret");
        await using var host = WriterHost.Start(OAuthVaultSettings(), _time, vault);
        await host.Secret("servicenow-client-secret", ServiceNowApiOptions.LocalClientSecretSetting).GetAsync();
        vault.SetSecret("servicenow-client-secret", ClientSecret);
        await host.ServiceNow.SetAssigneeAsync(Key, AbelSysId, CancellationToken.None);
        State.ExpireTokens();
        await host.ServiceNow.GetAssigneeAsync(Key, CancellationToken.None);
        await Assert.ThrowsAsync<TicketWriteException>(() => host.ServiceNow.GetAssigneeAsync($"servicenow:incident:{new string('e', 32)}", CancellationToken.None));
        await using var basic = Basic("user_name");
        await basic.ServiceNow.SetAssigneeAsync(Key, "beth.anglin", CancellationToken.None);

        var tokens = State.Requests.Select(r => r.Headers.GetValueOrDefault("Authorization")).OfType<string>().Select(h => h.Split(' ')[1]).Distinct().ToList();
        string[] secrets = ["the-old-client-secret", ClientSecret, Password, .. tokens];
        var lines = host.Logs.Lines.Concat(basic.Logs.Lines).ToList();
        Assert.Contains(lines, l => l.Contains("[8206]", StringComparison.Ordinal));
        Assert.All(lines, line => Assert.All(secrets, secret => Assert.DoesNotContain(secret, line, StringComparison.Ordinal)));
    }

    private WriterHost Basic(string identity) => WriterHost.Start(BasicSettings(identity), _time);

    private WriterHost OAuth(string identity) => WriterHost.Start(new Dictionary<string, string?>
    {
        ["ServiceNow:IdentityField"] = identity,
        ["ServiceNow:Api:InstanceUrl"] = _serviceNow.BaseAddress.ToString(),
        ["ServiceNow:Api:Auth"] = "OAuth",
        ["ServiceNow:Api:ClientId"] = ClientId,
        ["ServiceNow:Api:ClientSecret"] = ClientSecret,
    }, _time);

    private Dictionary<string, string?> BasicSettings(string identity) => new()
    {
        ["ServiceNow:IdentityField"] = identity,
        ["ServiceNow:Api:InstanceUrl"] = _serviceNow.BaseAddress.ToString(),
        ["ServiceNow:Api:User"] = User,
        ["ServiceNow:Api:Password"] = Password,
    };

    private Dictionary<string, string?> BasicVaultSettings() => new()
    {
        ["ServiceNow:IdentityField"] = "sys_id",
        ["ServiceNow:Api:InstanceUrl"] = _serviceNow.BaseAddress.ToString(),
        ["ServiceNow:Api:User"] = User,
    };

    private Dictionary<string, string?> OAuthVaultSettings() => new()
    {
        ["ServiceNow:IdentityField"] = "sys_id",
        ["ServiceNow:Api:InstanceUrl"] = _serviceNow.BaseAddress.ToString(),
        ["ServiceNow:Api:Auth"] = "OAuth",
        ["ServiceNow:Api:ClientId"] = ClientId,
    };
}

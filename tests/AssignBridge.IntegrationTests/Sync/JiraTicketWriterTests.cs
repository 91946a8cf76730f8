using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using AssignBridge.IntegrationTests.Infrastructure;
using AssignBridge.Tickets;
using JiraSimulator;

namespace AssignBridge.IntegrationTests.Sync;

/// <summary>
/// The Jira writer over real HTTP against the Jira simulator (docs/ticket-apis.md "Jira"), Cloud and Data Center, with
/// the token from the local setting or from the Key Vault fake.
/// </summary>
public sealed class JiraTicketWriterTests : IAsyncLifetime
{
    private const string Email = "bridge@example.com";
    private const string ApiToken = "cloud-token-7f3a";
    private const string RotatedToken = "cloud-token-rotated-91cd";
    private const string Pat = "dc-pat-52be";
    private const string Viewer = "viewer@example.com";
    private const string ViewerToken = "viewer-token-0a11";

    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _time = SyncClock.Start();
    private RunningJiraSimulator _jira = null!;

    private JiraState State => _jira.State;

    public async Task InitializeAsync()
    {
        var options = new JiraSimulatorOptions
        {
            CloudApiTokens = { [Email] = ApiToken, [Viewer] = ViewerToken, ["rotated@example.com"] = RotatedToken },
            PersonalAccessTokens = { [Pat] = "bridge" },
            WithoutAssignPermission = { Viewer },
        };
        _jira = await RunningJiraSimulator.StartAsync(options, _time);
        State.SeedIssue("SEC-1", assignableUsers: ["acc-1", "acc-2", "alice"]);
    }

    public async Task DisposeAsync() => await _jira.DisposeAsync();

    [Fact]
    public async Task CloudSetAssignee_AccountId_PutsItWithBasicAuth()
    {
        await using var host = Cloud();

        await host.Jira.SetAssigneeAsync("jira:SEC-1", "acc-1", CancellationToken.None);

        Assert.Equal("acc-1", State.GetAssignee("SEC-1"));
        var request = Assert.Single(State.Requests);
        Assert.Equal(("PUT", "/rest/api/3/issue/SEC-1/assignee", """{"accountId":"acc-1"}""", 204), (request.Method, request.PathAndQuery, request.Body, request.Status));
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Email}:{ApiToken}")), request.Headers["Authorization"]);
    }

    [Fact]
    public async Task CloudSetAssignee_Null_Unassigns()
    {
        State.SeedIssue("SEC-2", assignee: "acc-1", assignableUsers: ["acc-1"]);
        await using var host = Cloud();

        await host.Jira.SetAssigneeAsync("jira:SEC-2", null, CancellationToken.None);

        Assert.Null(State.GetAssignee("SEC-2"));
        Assert.Equal("""{"accountId":null}""", Assert.Single(State.Requests).Body);
    }

    [Fact]
    public async Task CloudGetAssignee_AssignedAndUnassigned_ReturnsTheAccountIdOrNull()
    {
        State.SeedIssue("SEC-3", assignee: "acc-2");
        await using var host = Cloud();

        var assigned = await host.Jira.GetAssigneeAsync("jira:SEC-3", CancellationToken.None);
        var unassigned = await host.Jira.GetAssigneeAsync($"jira:{State.GetId("SEC-1")}", CancellationToken.None);

        Assert.Equal("acc-2", assigned);
        Assert.Null(unassigned);
        Assert.Equal("/rest/api/3/issue/SEC-3?fields=assignee", State.Requests[0].PathAndQuery);
    }

    [Fact]
    public async Task DataCenterSetAssignee_UserName_PutsNameWithBearerPat()
    {
        await using var host = DataCenter();

        await host.Jira.SetAssigneeAsync("jira:SEC-1", "alice", CancellationToken.None);

        Assert.Equal("alice", State.GetAssignee("SEC-1"));
        var request = Assert.Single(State.Requests);
        Assert.Equal(("/rest/api/2/issue/SEC-1/assignee", """{"name":"alice"}"""), (request.PathAndQuery, request.Body));
        Assert.Equal("Bearer " + Pat, request.Headers["Authorization"]);
        Assert.Equal("jira-dc", host.Jira.Namespace);
    }

    [Fact]
    public async Task DataCenterGetAssignee_Assigned_ReturnsTheUserName()
    {
        State.SeedIssue("SEC-4", assignee: "alice");
        await using var host = DataCenter();

        Assert.Equal("alice", await host.Jira.GetAssigneeAsync("jira:SEC-4", CancellationToken.None));
        Assert.Equal("/rest/api/2/issue/SEC-4?fields=assignee", Assert.Single(State.Requests).PathAndQuery);
    }

    [Fact]
    public async Task SetAssignee_UserNotAssignable_400NotRetryableWithJirasFieldError()
    {
        await using var host = Cloud();

        var failure = await Assert.ThrowsAsync<TicketWriteException>(() => host.Jira.SetAssigneeAsync("jira:SEC-1", "stranger", CancellationToken.None));

        Assert.Equal(("Jira", 400, false), (failure.System, failure.StatusCode, failure.IsRetryable));
        Assert.Equal("assignee: User 'stranger' cannot be assigned issues.", failure.Detail);
        Assert.Contains("Jira answered 400: assignee: User 'stranger' cannot be assigned issues.", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetAssignee_CallerWithoutAssignPermission_403NotRetryable()
    {
        await using var host = WriterHost.Start(Settings("Cloud", Viewer, ViewerToken));

        var failure = await Assert.ThrowsAsync<TicketWriteException>(() => host.Jira.SetAssigneeAsync("jira:SEC-1", "acc-1", CancellationToken.None));

        Assert.Equal((403, false, "You do not have permission to assign issues."), (failure.StatusCode, failure.IsRetryable, failure.Detail));
        Assert.Null(State.GetAssignee("SEC-1"));
    }

    [Fact]
    public async Task GetAssignee_UnknownIssue_404NotRetryableWithJirasMessage()
    {
        await using var host = Cloud();

        var failure = await Assert.ThrowsAsync<TicketWriteException>(() => host.Jira.GetAssigneeAsync("jira:NOPE-9", CancellationToken.None));

        Assert.Equal((404, false, "Issue does not exist or you do not have permission to see it."), (failure.StatusCode, failure.IsRetryable, failure.Detail));
    }

    [Fact]
    public async Task SetAssignee_429WithRetryAfter_RetryableAfterThatLong()
    {
        State.Faults.FailNext(1, 429, TimeSpan.FromSeconds(30));
        await using var host = Cloud();

        var failure = await Assert.ThrowsAsync<TicketWriteException>(() => host.Jira.SetAssigneeAsync("jira:SEC-1", "acc-1", CancellationToken.None));

        Assert.Equal((429, true, TimeSpan.FromSeconds(30), "Too Many Requests"), (failure.StatusCode, failure.IsRetryable, failure.RetryAfter, failure.Detail));
        Assert.Single(State.Requests);
    }

    [Fact]
    public async Task SetAssignee_429WithoutRetryAfter_WaitsUntilXRateLimitReset()
    {
        // The simulator's reset is the request time plus a minute, to the minute: 10:00:30 + 1 min → "10:01Z".
        State.Faults.FailNext(1, 429);
        await using var host = Cloud();

        var failure = await Assert.ThrowsAsync<TicketWriteException>(() => host.Jira.SetAssigneeAsync("jira:SEC-1", "acc-1", CancellationToken.None));

        Assert.Equal((429, true, TimeSpan.FromSeconds(30)), (failure.StatusCode, failure.IsRetryable, failure.RetryAfter));
    }

    [Fact]
    public async Task SetAssignee_503_RetryableAfterOneAttempt()
    {
        State.Faults.FailNext(2, 503);
        await using var host = Cloud();

        var failure = await Assert.ThrowsAsync<TicketWriteException>(() => host.Jira.SetAssigneeAsync("jira:SEC-1", "acc-1", CancellationToken.None));

        Assert.Equal((503, true, (TimeSpan?)null), (failure.StatusCode, failure.IsRetryable, failure.RetryAfter));
        Assert.Single(State.Requests); // no retries inside the writer: they go through the bridge's queue
    }

    [Fact]
    public async Task SetAssignee_ConnectionRefused_StatusZeroRetryable()
    {
        var settings = Settings("Cloud", Email, ApiToken);
        settings["Jira:Api:BaseUrl"] = WriterHost.RefusingAddress().ToString();
        await using var host = WriterHost.Start(settings, _time);

        var failure = await Assert.ThrowsAsync<TicketWriteException>(() => host.Jira.SetAssigneeAsync("jira:SEC-1", "acc-1", CancellationToken.None));

        Assert.Equal((0, true), (failure.StatusCode, failure.IsRetryable));
        Assert.StartsWith("Jira did not answer: ConnectionError", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetAssignee_TokenRotatedInKeyVault_ReReadsOnceOn401AndSucceeds()
    {
        await using var vault = await KeyVaultFake.StartAsync();
        vault.SetSecret("jira-api-token", "the-old-token");
        await using var host = WriterHost.Start(VaultSettings("rotated@example.com"), _time, vault);
        await host.Secret("jira-api-token", JiraApiOptions.LocalTokenSetting).GetAsync(); // read before the rotation, as a running bridge would have
        vault.SetSecret("jira-api-token", RotatedToken);

        await host.Jira.SetAssigneeAsync("jira:SEC-1", "acc-1", CancellationToken.None);

        Assert.Equal("acc-1", State.GetAssignee("SEC-1"));
        Assert.Equal([401, 204], State.Requests.Select(r => r.Status));
        Assert.Equal(2, vault.GetSecretRequests);
    }

    [Fact]
    public async Task SetAssignee_RotatedTokenRefusedToo_NotRetryableNamingTheSecretNotItsValue()
    {
        await using var vault = await KeyVaultFake.StartAsync();
        vault.SetSecret("jira-api-token", "the-old-token");
        await using var host = WriterHost.Start(VaultSettings(Email), _time, vault);
        await host.Secret("jira-api-token", JiraApiOptions.LocalTokenSetting).GetAsync();
        vault.SetSecret("jira-api-token", "also-a-wrong-token");

        var failure = await Assert.ThrowsAsync<TicketWriteException>(() => host.Jira.SetAssigneeAsync("jira:SEC-1", "acc-1", CancellationToken.None));

        Assert.Equal((401, false), (failure.StatusCode, failure.IsRetryable));
        Assert.Contains("Key Vault secret 'jira-api-token'", failure.Message, StringComparison.Ordinal);
        Assert.Contains("You are not authenticated", failure.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("the-old-token", failure.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("also-a-wrong-token", failure.ToString(), StringComparison.Ordinal);
        Assert.Equal([401, 401], State.Requests.Select(r => r.Status));
    }

    [Fact]
    public async Task SetAssignee_401AndTheVaultHoldsNoNewerToken_NotRetryableAfterOneRequest()
    {
        await using var vault = await KeyVaultFake.StartAsync();
        vault.SetSecret("jira-api-token", "a-revoked-token");
        await using var host = WriterHost.Start(VaultSettings(Email), _time, vault);

        var failure = await Assert.ThrowsAsync<TicketWriteException>(() => host.Jira.SetAssigneeAsync("jira:SEC-1", "acc-1", CancellationToken.None));

        Assert.Equal((401, false), (failure.StatusCode, failure.IsRetryable));
        Assert.Contains("holds no newer one", failure.Message, StringComparison.Ordinal);
        Assert.Single(State.Requests);
        Assert.Equal(2, vault.GetSecretRequests);
    }

    [Fact]
    public async Task SetAssignee_ManyCallersAfterARotation_ShareOneReRead()
    {
        await using var vault = await KeyVaultFake.StartAsync();
        vault.SetSecret("jira-api-token", "the-old-token");
        await using var host = WriterHost.Start(VaultSettings("rotated@example.com"), _time, vault);
        await host.Secret("jira-api-token", JiraApiOptions.LocalTokenSetting).GetAsync();
        vault.SetSecret("jira-api-token", RotatedToken);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => host.Jira.SetAssigneeAsync("jira:SEC-1", "acc-2", CancellationToken.None)));

        Assert.Equal("acc-2", State.GetAssignee("SEC-1"));
        Assert.Equal(2, vault.GetSecretRequests);
    }

    [Fact]
    public async Task Logs_AfterSuccessRotationAndFailures_HoldNoTokenOrAuthorizationHeader()
    {
        await using var vault = await KeyVaultFake.StartAsync();
        vault.SetSecret("jira-api-token", "the-old-token");
        await using var host = WriterHost.Start(VaultSettings("rotated@example.com"), _time, vault);
        await host.Secret("jira-api-token", JiraApiOptions.LocalTokenSetting).GetAsync();
        vault.SetSecret("jira-api-token", RotatedToken);

        await host.Jira.SetAssigneeAsync("jira:SEC-1", "acc-1", CancellationToken.None);
        State.Faults.FailNext(1, 503);
        await Assert.ThrowsAsync<TicketWriteException>(() => host.Jira.SetAssigneeAsync("jira:SEC-1", "acc-2", CancellationToken.None));
        await Assert.ThrowsAsync<TicketWriteException>(() => host.Jira.SetAssigneeAsync("jira:SEC-1", "stranger", CancellationToken.None));

        var lines = host.Logs.Lines;
        Assert.Contains(lines, l => l.Contains("[8201]", StringComparison.Ordinal));
        string[] secrets = ["the-old-token", RotatedToken, Convert.ToBase64String(Encoding.UTF8.GetBytes($"rotated@example.com:{RotatedToken}")), vault.AccessToken];
        Assert.All(lines, line => Assert.All(secrets, secret => Assert.DoesNotContain(secret, line, StringComparison.Ordinal)));
        // HttpClient's own trace of request headers names the header with its value redacted, and that is all.
        var withHeader = lines.Where(l => Regex.IsMatch(l, @"Authorization(?:: |=)(?!\*|System\.String\[\])", RegexOptions.IgnoreCase)).ToList();
        Assert.True(withHeader.Count == 0, string.Join("\n", withHeader));
        Assert.DoesNotContain(lines, l => l.Contains("Basic ", StringComparison.Ordinal) || l.Contains("Bearer ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Writers_Registered_AreJiraAndServiceNowAndSayWhetherConfigured()
    {
        await using var host = Cloud();

        var writers = host.Writers;

        Assert.Equal(["jira", "servicenow"], writers.Select(w => w.Source));
        Assert.Equal([true, false], writers.Select(w => w.Configured));
        await Assert.ThrowsAsync<InvalidOperationException>(() => writers[1].SetAssigneeAsync("servicenow:incident:abc", null, CancellationToken.None));
    }

    [Theory]
    [InlineData("servicenow:incident:abc")]
    [InlineData("jira:")]
    [InlineData("jira:SEC-1/../x")]
    public async Task SetAssignee_NotAJiraKey_ArgumentException(string key)
    {
        await using var host = Cloud();

        await Assert.ThrowsAsync<ArgumentException>(() => host.Jira.SetAssigneeAsync(key, "acc-1", CancellationToken.None));
        Assert.Empty(State.Requests);
    }

    private WriterHost Cloud() => WriterHost.Start(Settings("Cloud", Email, ApiToken), _time);

    private WriterHost DataCenter() => WriterHost.Start(new Dictionary<string, string?>
    {
        ["Jira:Api:BaseUrl"] = _jira.BaseAddress.ToString(),
        ["Jira:Api:Flavor"] = "DataCenter",
        ["Jira:Api:Token"] = Pat,
    }, _time);

    private Dictionary<string, string?> Settings(string flavor, string email, string token) => new()
    {
        ["Jira:Api:BaseUrl"] = _jira.BaseAddress.ToString(),
        ["Jira:Api:Flavor"] = flavor,
        ["Jira:Api:Email"] = email,
        ["Jira:Api:Token"] = token,
    };

    private Dictionary<string, string?> VaultSettings(string email) => new()
    {
        ["Jira:Api:BaseUrl"] = _jira.BaseAddress.ToString(),
        ["Jira:Api:Email"] = email,
    };
}

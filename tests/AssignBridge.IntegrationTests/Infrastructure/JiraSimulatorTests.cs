using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using JiraSimulator;

namespace AssignBridge.IntegrationTests.Infrastructure;

/// <summary>
/// Proves the Jira simulator answers as Jira's REST API documents (docs/ticket-apis.md, "Jira"), over real HTTP:
/// Cloud's v3 route with basic auth, Data Center's v2 route with a personal access token.
/// </summary>
public sealed class JiraSimulatorTests : IAsyncLifetime, IDisposable
{
    private const string Email = "bridge@example.com";
    private const string ApiToken = "cloud-token";
    private const string Pat = "dc-pat";
    private const string DcUser = "bridge";
    private const string Viewer = "viewer@example.com";

    private RunningJiraSimulator _simulator = null!;
    private readonly HttpClient _http = new();

    private JiraState State => _simulator.State;

    public async Task InitializeAsync()
    {
        var options = new JiraSimulatorOptions
        {
            CloudApiTokens = { [Email] = ApiToken, [Viewer] = "viewer-token" },
            PersonalAccessTokens = { [Pat] = DcUser },
            WithoutAssignPermission = { Viewer },
        };
        _simulator = await RunningJiraSimulator.StartAsync(options);
        _http.BaseAddress = _simulator.BaseAddress;
        State.SeedIssue("SEC-1", assignableUsers: ["acc-1", "acc-2", "alice"], defaultAssignee: "acc-2");
    }

    public async Task DisposeAsync() => await _simulator.DisposeAsync();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task CloudAssign_AssignableAccountId_Answers204AndSetsAssignee()
    {
        var reply = await PutAsync("rest/api/3/issue/SEC-1/assignee", """{"accountId":"acc-1"}""", Basic(Email, ApiToken));

        Assert.Equal(HttpStatusCode.NoContent, reply.Status);
        Assert.Equal("", reply.Body);
        Assert.Equal("acc-1", State.GetAssignee("SEC-1"));
    }

    [Fact]
    public async Task CloudAssign_NullAccountId_Unassigns()
    {
        State.SeedIssue("SEC-2", assignee: "acc-1", assignableUsers: ["acc-1"]);

        var reply = await PutAsync("rest/api/3/issue/SEC-2/assignee", """{"accountId":null}""", Basic(Email, ApiToken));

        Assert.Equal(HttpStatusCode.NoContent, reply.Status);
        Assert.Null(State.GetAssignee("SEC-2"));
    }

    [Fact]
    public async Task CloudAssign_MinusOne_AssignsTheDefaultAssignee()
    {
        var reply = await PutAsync("rest/api/3/issue/SEC-1/assignee", """{"accountId":"-1"}""", Basic(Email, ApiToken));

        Assert.Equal(HttpStatusCode.NoContent, reply.Status);
        Assert.Equal("acc-2", State.GetAssignee("SEC-1"));
    }

    [Fact]
    public async Task CloudAssign_ByNumericIssueId_FindsTheIssue()
    {
        var reply = await PutAsync($"rest/api/3/issue/{State.GetId("SEC-1")}/assignee", """{"accountId":"acc-1"}""", Basic(Email, ApiToken));

        Assert.Equal(HttpStatusCode.NoContent, reply.Status);
        Assert.Equal("acc-1", State.GetAssignee("SEC-1"));
    }

    [Fact]
    public async Task CloudAssign_UserNotAssignable_Answers400WithAssigneeError()
    {
        var reply = await PutAsync("rest/api/3/issue/SEC-1/assignee", """{"accountId":"stranger"}""", Basic(Email, ApiToken));

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        var body = JsonNode.Parse(reply.Body)!;
        Assert.Empty(body["errorMessages"]!.AsArray());
        Assert.Equal("User 'stranger' cannot be assigned issues.", (string?)body["errors"]!["assignee"]);
        Assert.Null(State.GetAssignee("SEC-1"));
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"name":"alice"}""")]
    [InlineData("""{"accountId":42}""")]
    public async Task CloudAssign_NoAccountId_Answers400(string json)
    {
        var reply = await PutAsync("rest/api/3/issue/SEC-1/assignee", json, Basic(Email, ApiToken));

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.NotNull(JsonNode.Parse(reply.Body)!["errors"]!["assignee"]);
    }

    [Fact]
    public async Task CloudAssign_NotJson_Answers400InErrorShape()
    {
        var reply = await PutAsync("rest/api/3/issue/SEC-1/assignee", "not json", Basic(Email, ApiToken));

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Single(JsonNode.Parse(reply.Body)!["errorMessages"]!.AsArray());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token")]
    public async Task CloudAssign_NoOrWrongCredentials_Answers401(string? token)
    {
        var reply = await PutAsync("rest/api/3/issue/SEC-1/assignee", """{"accountId":"acc-1"}""", token is null ? null : Basic(Email, token));

        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
        Assert.Single(JsonNode.Parse(reply.Body)!["errorMessages"]!.AsArray());
        Assert.Null(State.GetAssignee("SEC-1"));
    }

    [Fact]
    public async Task CloudAssign_CallerWithoutAssignPermission_Answers403()
    {
        var reply = await PutAsync("rest/api/3/issue/SEC-1/assignee", """{"accountId":"acc-1"}""", Basic(Viewer, "viewer-token"));

        Assert.Equal(HttpStatusCode.Forbidden, reply.Status);
        Assert.Null(State.GetAssignee("SEC-1"));
    }

    [Fact]
    public async Task CloudAssign_UnknownIssue_Answers404WithJirasMessage()
    {
        var reply = await PutAsync("rest/api/3/issue/NOPE-9/assignee", """{"accountId":"acc-1"}""", Basic(Email, ApiToken));

        Assert.Equal(HttpStatusCode.NotFound, reply.Status);
        Assert.Equal(
            """{"errorMessages":["Issue does not exist or you do not have permission to see it."],"errors":{}}""",
            reply.Body);
    }

    [Fact]
    public async Task DataCenterAssign_NameWithPat_Answers204AndSetsAssignee()
    {
        var reply = await PutAsync("rest/api/2/issue/SEC-1/assignee", """{"name":"alice"}""", new AuthenticationHeaderValue("Bearer", Pat));

        Assert.Equal(HttpStatusCode.NoContent, reply.Status);
        Assert.Equal("alice", State.GetAssignee("SEC-1"));
    }

    [Fact]
    public async Task DataCenterAssign_UnknownPat_Answers401()
    {
        var reply = await PutAsync("rest/api/2/issue/SEC-1/assignee", """{"name":"alice"}""", new AuthenticationHeaderValue("Bearer", "other"));

        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
    }

    [Fact]
    public async Task DataCenterAssign_NameAndAccountIdBoth_Answers400()
    {
        var reply = await PutAsync("rest/api/2/issue/SEC-1/assignee", """{"name":"alice","accountId":"acc-1"}""", new AuthenticationHeaderValue("Bearer", Pat));

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
    }

    [Fact]
    public async Task GetIssue_V3_ReturnsAssigneeAccountId()
    {
        State.SeedIssue("SEC-3", assignee: "acc-1");

        var reply = await SendAsync(HttpMethod.Get, "rest/api/3/issue/SEC-3?fields=assignee", null, Basic(Email, ApiToken));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var body = JsonNode.Parse(reply.Body)!;
        Assert.Equal("SEC-3", (string?)body["key"]);
        Assert.Equal("acc-1", (string?)body["fields"]!["assignee"]!["accountId"]);
    }

    [Fact]
    public async Task GetIssue_V2Unassigned_ReturnsNullAssignee()
    {
        var reply = await SendAsync(HttpMethod.Get, "rest/api/2/issue/SEC-1?fields=assignee", null, new AuthenticationHeaderValue("Bearer", Pat));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var fields = JsonNode.Parse(reply.Body)!["fields"]!.AsObject();
        Assert.True(fields.ContainsKey("assignee"));
        Assert.Null(fields["assignee"]);
    }

    [Fact]
    public async Task GetIssue_V2Assigned_ReturnsAssigneeName()
    {
        State.SeedIssue("SEC-4", assignee: "alice");

        var reply = await SendAsync(HttpMethod.Get, "rest/api/2/issue/SEC-4", null, new AuthenticationHeaderValue("Bearer", Pat));

        Assert.Equal("alice", (string?)JsonNode.Parse(reply.Body)!["fields"]!["assignee"]!["name"]);
    }

    [Fact]
    public async Task FailNext_429WithRetryAfter_AnswersRateLimitHeadersThenRecovers()
    {
        State.Faults.FailNext(1, 429, TimeSpan.FromSeconds(30));

        var limited = await PutAsync("rest/api/3/issue/SEC-1/assignee", """{"accountId":"acc-1"}""", Basic(Email, ApiToken));
        var next = await PutAsync("rest/api/3/issue/SEC-1/assignee", """{"accountId":"acc-1"}""", Basic(Email, ApiToken));

        Assert.Equal((HttpStatusCode)429, limited.Status);
        Assert.Equal("30", limited.Headers["Retry-After"]);
        Assert.Equal("100", limited.Headers["X-RateLimit-Limit"]);
        Assert.Equal("0", limited.Headers["X-RateLimit-Remaining"]);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z$", limited.Headers["X-RateLimit-Reset"]);
        Assert.Single(JsonNode.Parse(limited.Body)!["errorMessages"]!.AsArray());
        Assert.Equal(HttpStatusCode.NoContent, next.Status);
        Assert.Equal("acc-1", State.GetAssignee("SEC-1"));
    }

    [Fact]
    public async Task FailNext_TwoServerErrors_AppliesBeforeAuthenticationToTheNextTwoRequests()
    {
        State.Faults.FailNext(2, 503);

        var first = await PutAsync("rest/api/3/issue/SEC-1/assignee", """{"accountId":"acc-1"}""", null);
        var second = await PutAsync("rest/api/3/issue/SEC-1/assignee", """{"accountId":"acc-1"}""", Basic(Email, ApiToken));
        var third = await PutAsync("rest/api/3/issue/SEC-1/assignee", """{"accountId":"acc-1"}""", Basic(Email, ApiToken));

        Assert.Equal([HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.NoContent], [first.Status, second.Status, third.Status]);
        Assert.False(first.Headers.ContainsKey("Retry-After"));
    }

    [Fact]
    public async Task Latency_HeldRequestCancelledByClient_NeverReachesJira()
    {
        State.Faults.Latency = TimeSpan.FromDays(1);
        using var cancel = new CancellationTokenSource();
        var put = PutAsync("rest/api/3/issue/SEC-1/assignee", """{"accountId":"acc-1"}""", Basic(Email, ApiToken), cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => put);
        Assert.Null(State.GetAssignee("SEC-1"));
        State.Faults.Reset();
        var after = await PutAsync("rest/api/3/issue/SEC-1/assignee", """{"accountId":"acc-2"}""", Basic(Email, ApiToken));

        Assert.Equal(HttpStatusCode.NoContent, after.Status);
        Assert.Equal("acc-2", State.GetAssignee("SEC-1"));
    }

    [Fact]
    public async Task Requests_RecordsMethodPathHeadersBodyAndStatus()
    {
        await PutAsync("rest/api/3/issue/SEC-1/assignee", """{"accountId":"acc-1"}""", Basic(Email, ApiToken));
        await SendAsync(HttpMethod.Get, "rest/api/3/issue/SEC-1?fields=assignee", null, Basic(Email, ApiToken));

        var requests = State.Requests;
        Assert.Equal(2, requests.Count);
        Assert.Equal(("PUT", "/rest/api/3/issue/SEC-1/assignee", """{"accountId":"acc-1"}""", 204),
            (requests[0].Method, requests[0].PathAndQuery, requests[0].Body, requests[0].Status));
        Assert.StartsWith("Basic ", requests[0].Headers["authorization"], StringComparison.Ordinal);
        Assert.Equal(("GET", "/rest/api/3/issue/SEC-1?fields=assignee", 200), (requests[1].Method, requests[1].PathAndQuery, requests[1].Status));
    }

    [Fact]
    public async Task ControlApi_SeedsIssuesAndQueuesFaults()
    {
        using var seed = new StringContent("""[{"key":"OPS-7","assignable":["acc-9"]}]""", Encoding.UTF8, "application/json");
        using var seeded = await _http.PutAsync(new Uri("_simulator/issues", UriKind.Relative), seed);
        using var faults = new StringContent("""{"failNext":{"count":1,"status":429,"retryAfterSeconds":5}}""", Encoding.UTF8, "application/json");
        using var queued = await _http.PostAsync(new Uri("_simulator/faults", UriKind.Relative), faults);

        var limited = await PutAsync("rest/api/3/issue/OPS-7/assignee", """{"accountId":"acc-9"}""", Basic(Email, ApiToken));
        var assigned = await PutAsync("rest/api/3/issue/OPS-7/assignee", """{"accountId":"acc-9"}""", Basic(Email, ApiToken));

        Assert.Equal(HttpStatusCode.OK, seeded.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, queued.StatusCode);
        Assert.Equal(((HttpStatusCode)429, "5"), (limited.Status, limited.Headers["Retry-After"]));
        Assert.Equal(HttpStatusCode.NoContent, assigned.Status);
        Assert.Equal("acc-9", State.GetAssignee("OPS-7"));
    }

    private static AuthenticationHeaderValue Basic(string user, string secret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{secret}")));

    private Task<Reply> PutAsync(string path, string json, AuthenticationHeaderValue? auth, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, path, json, auth, cancellationToken);

    private async Task<Reply> SendAsync(HttpMethod method, string path, string? json, AuthenticationHeaderValue? auth, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = auth;
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request, cancellationToken);
        var headers = response.Headers.Concat(response.Content.Headers)
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        return new Reply(response.StatusCode, headers, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    private sealed record Reply(HttpStatusCode Status, Dictionary<string, string> Headers, string Body);
}

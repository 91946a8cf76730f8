using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ServiceNowSimulator;

namespace AssignBridge.IntegrationTests.Infrastructure;

/// <summary>
/// Proves the ServiceNow simulator answers as ServiceNow's Table API and OAuth token endpoint document
/// (docs/ticket-apis.md, "ServiceNow"), over real HTTP.
/// </summary>
public sealed class ServiceNowSimulatorTests : IAsyncLifetime, IDisposable
{
    private const string User = "bridge.integration";
    private const string Password = "s3cret";
    private const string ClientId = "bridge-client";
    private const string ClientSecret = "client-secret";
    private const string Incident = "0123456789abcdef0123456789abcdef";
    private const string AbelSysId = "62826bf03710200044e0bfc8bcbe5df1";
    private const string Record = $"api/now/table/incident/{Incident}";

    private RunningServiceNowSimulator _simulator = null!;
    private readonly HttpClient _http = new();

    private ServiceNowState State => _simulator.State;

    public async Task InitializeAsync()
    {
        var options = new ServiceNowSimulatorOptions
        {
            BasicUsers = { [User] = Password, ["read.only"] = "pw" },
            OAuthClients = { [ClientId] = new OAuthClient(ClientSecret, "oauth.user") },
            ReadOnlyUsers = { "read.only" },
        };
        _simulator = await RunningServiceNowSimulator.StartAsync(options);
        _http.BaseAddress = _simulator.BaseAddress;
        State.SeedUser(AbelSysId, "abel.tuter");
        State.SeedRecord("incident", Incident, new Dictionary<string, string> { ["number"] = "INC0010001", ["sys_mod_count"] = "4" });
    }

    public async Task DisposeAsync() => await _simulator.DisposeAsync();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Patch_AssignedToSysId_Answers200WithTheUpdatedRecord()
    {
        var reply = await SendAsync(HttpMethod.Patch, Record, $$"""{"assigned_to":"{{AbelSysId}}"}""", Basic(User, Password));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var result = JsonNode.Parse(reply.Body)!["result"]!;
        Assert.Equal(AbelSysId, (string?)result["assigned_to"]!["value"]);
        Assert.EndsWith($"/api/now/table/sys_user/{AbelSysId}", (string?)result["assigned_to"]!["link"], StringComparison.Ordinal);
        Assert.Equal(User, (string?)result["sys_updated_by"]);
        Assert.Equal("5", (string?)result["sys_mod_count"]);
        Assert.Equal("INC0010001", (string?)result["number"]);
        Assert.Equal(AbelSysId, State.GetRecord("incident", Incident)["assigned_to"]);
    }

    [Fact]
    public async Task Put_AssignedToUserName_StoresTheUsersSysId()
    {
        var reply = await SendAsync(HttpMethod.Put, Record, """{"assigned_to":"abel.tuter"}""", Basic(User, Password));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(AbelSysId, State.GetRecord("incident", Incident)["assigned_to"]);
    }

    [Fact]
    public async Task Patch_EmptyAssignedTo_ClearsIt()
    {
        State.SeedRecord("incident", Incident, new Dictionary<string, string> { ["assigned_to"] = AbelSysId });

        var reply = await SendAsync(HttpMethod.Patch, Record, """{"assigned_to":""}""", Basic(User, Password));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal("", (string?)JsonNode.Parse(reply.Body)!["result"]!["assigned_to"]);
        Assert.Equal("", State.GetRecord("incident", Incident)["assigned_to"]);
    }

    [Fact]
    public async Task Get_Record_Answers200WithResult()
    {
        var reply = await SendAsync(HttpMethod.Get, Record, null, Basic(User, Password));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var result = JsonNode.Parse(reply.Body)!["result"]!;
        Assert.Equal(Incident, (string?)result["sys_id"]);
        Assert.Equal("", (string?)result["assigned_to"]);
    }

    [Fact]
    public async Task OAuth_ClientCredentials_TokenAuthorisesTheTableApiAsTheClientsUser()
    {
        var token = await TokenAsync(ClientId, ClientSecret);

        Assert.Equal(HttpStatusCode.OK, token.Status);
        var body = JsonNode.Parse(token.Body)!;
        Assert.Equal("Bearer", (string?)body["token_type"]);
        Assert.Equal(1800, (long)body["expires_in"]!);
        var reply = await SendAsync(HttpMethod.Patch, Record, """{"assigned_to":"abel.tuter"}""",
            new AuthenticationHeaderValue("Bearer", (string)body["access_token"]!));
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal("oauth.user", State.GetRecord("incident", Incident)["sys_updated_by"]);
    }

    [Fact]
    public async Task OAuth_WrongSecret_Answers401()
    {
        var token = await TokenAsync(ClientId, "wrong");

        Assert.Equal(HttpStatusCode.Unauthorized, token.Status);
        Assert.Equal("invalid_client", (string?)JsonNode.Parse(token.Body)!["error"]);
    }

    [Fact]
    public async Task OAuth_ExpiredToken_Answers401()
    {
        var token = (string)JsonNode.Parse((await TokenAsync(ClientId, ClientSecret)).Body)!["access_token"]!;
        State.ExpireTokens();

        var reply = await SendAsync(HttpMethod.Get, Record, null, new AuthenticationHeaderValue("Bearer", token));

        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong")]
    public async Task Patch_NoOrWrongCredentials_Answers401InServiceNowShape(string? password)
    {
        var reply = await SendAsync(HttpMethod.Patch, Record, """{"assigned_to":"abel.tuter"}""", password is null ? null : Basic(User, password));

        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
        Assert.Equal(
            """{"error":{"message":"User Not Authenticated","detail":"Required to provide Auth information"},"status":"failure"}""",
            reply.Body);
        Assert.Equal("", State.GetRecord("incident", Incident)["assigned_to"]);
    }

    [Fact]
    public async Task Patch_UserFailingTheWriteAcl_Answers403()
    {
        var reply = await SendAsync(HttpMethod.Patch, Record, """{"assigned_to":"abel.tuter"}""", Basic("read.only", "pw"));

        Assert.Equal(HttpStatusCode.Forbidden, reply.Status);
        Assert.Equal("failure", (string?)JsonNode.Parse(reply.Body)!["status"]);
        Assert.Equal("4", State.GetRecord("incident", Incident)["sys_mod_count"]);
    }

    [Fact]
    public async Task Patch_UnknownSysId_Answers404InServiceNowShape()
    {
        var reply = await SendAsync(HttpMethod.Patch, "api/now/table/incident/ffffffffffffffffffffffffffffffff", """{"assigned_to":""}""", Basic(User, Password));

        Assert.Equal(HttpStatusCode.NotFound, reply.Status);
        Assert.Equal("No Record found", (string?)JsonNode.Parse(reply.Body)!["error"]!["message"]);
    }

    [Fact]
    public async Task Patch_UnknownTable_Answers400()
    {
        var reply = await SendAsync(HttpMethod.Patch, $"api/now/table/nonesuch/{Incident}", """{"assigned_to":""}""", Basic(User, Password));

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("Invalid table nonesuch", (string?)JsonNode.Parse(reply.Body)!["error"]!["message"]);
    }

    [Fact]
    public async Task Patch_NotJson_Answers400InServiceNowShape()
    {
        var reply = await SendAsync(HttpMethod.Patch, Record, "not json", Basic(User, Password));

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("failure", (string?)JsonNode.Parse(reply.Body)!["status"]);
    }

    [Fact]
    public async Task FailNext_429WithRetryAfter_AnswersServiceNowsRateLimitHeadersThenRecovers()
    {
        State.Faults.FailNext(1, 429, TimeSpan.FromSeconds(60));

        var limited = await SendAsync(HttpMethod.Patch, Record, """{"assigned_to":"abel.tuter"}""", Basic(User, Password));
        var next = await SendAsync(HttpMethod.Patch, Record, """{"assigned_to":"abel.tuter"}""", Basic(User, Password));

        Assert.Equal((HttpStatusCode)429, limited.Status);
        Assert.Equal("60", limited.Headers["Retry-After"]);
        Assert.Equal("1000", limited.Headers["X-RateLimit-Limit"]);
        Assert.True(long.TryParse(limited.Headers["X-RateLimit-Reset"], out _));
        Assert.True(limited.Headers.ContainsKey("X-RateLimit-Rule"));
        Assert.Equal("failure", (string?)JsonNode.Parse(limited.Body)!["status"]);
        Assert.Equal(HttpStatusCode.OK, next.Status);
        Assert.Equal("5", State.GetRecord("incident", Incident)["sys_mod_count"]);
    }

    [Fact]
    public async Task FailNext_DoesNotApplyToTheTokenEndpoint()
    {
        State.Faults.FailNext(1, 503);

        var token = await TokenAsync(ClientId, ClientSecret);
        var reply = await SendAsync(HttpMethod.Get, Record, null, Basic(User, Password));

        Assert.Equal(HttpStatusCode.OK, token.Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, reply.Status);
    }

    [Fact]
    public async Task Latency_HeldRequestCancelledByClient_NeverReachesServiceNow()
    {
        State.Faults.Latency = TimeSpan.FromDays(1);
        using var cancel = new CancellationTokenSource();
        var patch = SendAsync(HttpMethod.Patch, Record, """{"assigned_to":"abel.tuter"}""", Basic(User, Password), cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => patch);

        Assert.Equal("4", State.GetRecord("incident", Incident)["sys_mod_count"]);
    }

    [Fact]
    public async Task Requests_RecordsMethodPathHeadersBodyAndStatus()
    {
        await TokenAsync(ClientId, ClientSecret);
        await SendAsync(HttpMethod.Patch, Record + "?sysparm_fields=assigned_to", """{"assigned_to":"abel.tuter"}""", Basic(User, Password));

        var requests = State.Requests;
        Assert.Equal(2, requests.Count);
        Assert.Equal(("POST", "/oauth_token.do", 200), (requests[0].Method, requests[0].PathAndQuery, requests[0].Status));
        Assert.Contains("grant_type=client_credentials", requests[0].Body, StringComparison.Ordinal);
        Assert.Equal(("PATCH", $"/{Record}?sysparm_fields=assigned_to", """{"assigned_to":"abel.tuter"}""", 200),
            (requests[1].Method, requests[1].PathAndQuery, requests[1].Body, requests[1].Status));
        Assert.StartsWith("Basic ", requests[1].Headers["Authorization"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListSysUser_ByUserName_AnswersTheMatchingRecordsFieldsOnly()
    {
        State.SeedUser("46d44a23a9fe19810012d100cca80666", "beth.anglin");

        var reply = await SendAsync(HttpMethod.Get, "api/now/table/sys_user?sysparm_query=user_name%3Dabel.tuter&sysparm_fields=sys_id&sysparm_limit=1", null, Basic(User, Password));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal($$"""{"result":[{"sys_id":"{{AbelSysId}}"}]}""", reply.Body);
    }

    [Fact]
    public async Task ListSysUser_NoMatchOrLimitZero_AnswersAnEmptyResult()
    {
        var none = await SendAsync(HttpMethod.Get, "api/now/table/sys_user?sysparm_query=user_name%3Dnobody", null, Basic(User, Password));
        var limited = await SendAsync(HttpMethod.Get, "api/now/table/sys_user?sysparm_limit=0", null, Basic(User, Password));

        Assert.Equal((HttpStatusCode.OK, """{"result":[]}"""), (none.Status, none.Body));
        Assert.Equal((HttpStatusCode.OK, """{"result":[]}"""), (limited.Status, limited.Body));
    }

    [Fact]
    public async Task ListRecords_UnknownTableOrNoCredentials_AnswersTheTableApisErrors()
    {
        var table = await SendAsync(HttpMethod.Get, "api/now/table/no_such_table", null, Basic(User, Password));
        var anonymous = await SendAsync(HttpMethod.Get, "api/now/table/sys_user", null, null);

        Assert.Equal(HttpStatusCode.BadRequest, table.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
    }

    [Fact]
    public async Task Get_ExcludeReferenceLinkAndFields_AnswersTheBareSysIdOnly()
    {
        State.SeedRecord("incident", Incident, new Dictionary<string, string> { ["assigned_to"] = AbelSysId, ["number"] = "INC0010001" });

        var reply = await SendAsync(HttpMethod.Get, Record + "?sysparm_fields=assigned_to&sysparm_exclude_reference_link=true", null, Basic(User, Password));

        Assert.Equal($$$"""{"result":{"assigned_to":"{{{AbelSysId}}}"}}""", reply.Body);
    }

    [Fact]
    public async Task ControlApi_SeedsUsersAndRecordsAndQueuesFaults()
    {
        using var seed = new StringContent(
            """{"users":[{"sys_id":"u-2","user_name":"beth.anglin"}],"records":[{"table":"sc_task","sys_id":"t-1","fields":{"number":"SCTASK0001"}}]}""",
            Encoding.UTF8, "application/json");
        using var seeded = await _http.PutAsync(new Uri("_simulator/seed", UriKind.Relative), seed);
        using var faults = new StringContent("""{"failNext":{"count":1,"status":503}}""", Encoding.UTF8, "application/json");
        using var queued = await _http.PostAsync(new Uri("_simulator/faults", UriKind.Relative), faults);

        var failed = await SendAsync(HttpMethod.Patch, "api/now/table/sc_task/t-1", """{"assigned_to":"beth.anglin"}""", Basic(User, Password));
        var updated = await SendAsync(HttpMethod.Patch, "api/now/table/sc_task/t-1", """{"assigned_to":"beth.anglin"}""", Basic(User, Password));

        Assert.Equal(HttpStatusCode.OK, seeded.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, queued.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.Status);
        Assert.Equal(HttpStatusCode.OK, updated.Status);
        Assert.Equal("u-2", State.GetRecord("sc_task", "t-1")["assigned_to"]);
    }

    private static AuthenticationHeaderValue Basic(string user, string secret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{secret}")));

    private async Task<Reply> TokenAsync(string clientId, string clientSecret)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = clientSecret,
        });
        using var response = await _http.PostAsync(new Uri("oauth_token.do", UriKind.Relative), form);
        return await ReplyAsync(response, CancellationToken.None);
    }

    private async Task<Reply> SendAsync(HttpMethod method, string path, string? json, AuthenticationHeaderValue? auth, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = auth;
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request, cancellationToken);
        return await ReplyAsync(response, cancellationToken);
    }

    private static async Task<Reply> ReplyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var headers = response.Headers.Concat(response.Content.Headers)
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        return new Reply(response.StatusCode, headers, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    private sealed record Reply(HttpStatusCode Status, Dictionary<string, string> Headers, string Body);
}

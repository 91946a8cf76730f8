using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net;
using System.Text.Json.Nodes;
using System.Text;
using AssignBridge.IntegrationTests.Infrastructure;

namespace AssignBridge.IntegrationTests.Admin;

/// <summary>/api/manage/people over real HTTP: the bridge on Kestrel against Azurite.</summary>
[Collection("azurite")]
public sealed class PeopleAdminEndpointTests(AzuriteFixture azurite)
{
    private const string AdminToken = "admin-token-for-tests";

    private static readonly Dictionary<string, string> s_settings = new() { ["Admin:Tokens:ops-team"] = AdminToken };

    [Fact]
    public async Task AdminRoutes_NoTokenOrAssignmentsToken_Refused401()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, s_settings);

        using var anonymous = new HttpRequestMessage(HttpMethod.Get, "/api/manage/people");
        anonymous.Headers.Authorization = null;
        using var noToken = await new HttpClient { BaseAddress = bridge.Client.BaseAddress }.SendAsync(anonymous);
        using var assignmentsToken = await bridge.Client.GetAsync("/api/manage/people"); // the harness client holds Assignments:Tokens

        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, assignmentsToken.StatusCode);
        Assert.Equal("application/problem+json", assignmentsToken.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AdminRoutes_NoAdminTokenConfigured_FailClosed()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        using var client = Admin(bridge);

        using var response = await client.GetAsync("/api/manage/people");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task AdminRoutes_PutGetListResolveDelete_RoundTripWithAudit()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, s_settings);
        using var client = Admin(bridge);

        using var created = await client.PutAsJsonAsync("/api/manage/people/jira/5b10", new { kibanaUid = "u_alice_0", displayName = "Alice" });
        using var replaced = await client.PutAsJsonAsync("/api/manage/people/jira/5b10", new { kibanaUid = "u_alice_1" });
        var got = await client.GetFromJsonAsync<JsonObject>("/api/manage/people/jira/5b10");
        var list = await client.GetFromJsonAsync<JsonArray>("/api/manage/people?namespace=jira");
        var resolved = await client.GetFromJsonAsync<JsonObject>("/api/manage/people/resolve?person=jira:5b10");
        using var deleted = await client.DeleteAsync("/api/manage/people/jira/5b10");
        using var gone = await client.GetAsync("/api/manage/people/jira/5b10");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal("u_alice_1", got!["kibanaUid"]!.GetValue<string>());
        Assert.Equal("Alice", got["displayName"]!.GetValue<string>()); // no name given keeps the name
        Assert.Equal("admin-api:ops-team", got["updatedBy"]!.GetValue<string>());
        Assert.Single(list!);
        Assert.Equal("direct", resolved!["via"]!.GetValue<string>());
        Assert.Equal("u_alice_1", resolved["kibanaUid"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Put_WriteAfterResolve_CacheInvalidated()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, s_settings);
        using var client = Admin(bridge);
        var before = await client.GetFromJsonAsync<JsonObject>("/api/manage/people/resolve?person=slack:U1");

        (await client.PutAsJsonAsync("/api/manage/people/slack/U1", new { kibanaUid = "u_1" })).Dispose();
        var after = await client.GetFromJsonAsync<JsonObject>("/api/manage/people/resolve?person=slack:U1");

        Assert.Equal("unmapped", before!["via"]!.GetValue<string>());
        Assert.Equal("u_1", after!["kibanaUid"]!.GetValue<string>());
    }

    [Fact]
    public async Task Reverse_TwoAccountsForOneUid_AnswersTheOneSetLastThenFallsBackAfterItsRemoval()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, s_settings);
        using var client = Admin(bridge);
        (await client.PutAsJsonAsync("/api/manage/people/jira/acct-1", new { kibanaUid = "u_alice_0" })).Dispose();
        (await client.PutAsJsonAsync("/api/manage/people/jira/acct-2", new { kibanaUid = "u_alice_0" })).Dispose();

        var answer = await client.GetFromJsonAsync<JsonObject>("/api/manage/people/reverse?uid=u_alice_0&namespace=jira");
        (await client.DeleteAsync("/api/manage/people/jira/acct-2")).Dispose();
        var fallback = await client.GetFromJsonAsync<JsonObject>("/api/manage/people/reverse?uid=u_alice_0&namespace=jira");
        (await client.DeleteAsync("/api/manage/people/jira/acct-1")).Dispose();
        using var gone = await client.GetAsync("/api/manage/people/reverse?uid=u_alice_0&namespace=jira");
        var list = await client.GetFromJsonAsync<JsonArray>("/api/manage/people");

        Assert.Equal("u_alice_0", answer!["kibanaUid"]!.GetValue<string>());
        Assert.Equal("jira", answer["namespace"]!.GetValue<string>());
        Assert.Equal("acct-2", answer["externalId"]!.GetValue<string>());
        Assert.Equal("acct-1", fallback!["externalId"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        var problem = await gone.Content.ReadFromJsonAsync<JsonObject>();
        Assert.StartsWith("No mapping in namespace 'jira' names the Kibana UID 'u_alice_0'", problem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(list!);
    }

    [Fact]
    public async Task Reverse_OnlyAnEmailRow_404ForJira()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, s_settings);
        using var client = Admin(bridge);
        (await client.PutAsJsonAsync("/api/manage/people/email/ann@example.com", new { kibanaUid = "u_ann_0" })).Dispose();

        using var jira = await client.GetAsync("/api/manage/people/reverse?uid=u_ann_0&namespace=jira");
        var email = await client.GetFromJsonAsync<JsonObject>("/api/manage/people/reverse?uid=u_ann_0&namespace=email");

        Assert.Equal(HttpStatusCode.NotFound, jira.StatusCode);
        Assert.Equal("ann@example.com", email!["externalId"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("?namespace=jira", "uid is missing")]
    [InlineData("?uid=%20&namespace=jira", "uid is only whitespace")]
    [InlineData("?uid=u_1", "namespace is missing")]
    [InlineData("?uid=u_1&namespace=github", "namespace 'github' is not a namespace")]
    [InlineData("?uid=u_1&namespace=uid", "namespace 'uid' is not a namespace")]
    public async Task Reverse_BadParameter_400NamingIt(string query, string detail)
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, s_settings);
        using var client = Admin(bridge);

        using var response = await client.GetAsync("/api/manage/people/reverse" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.StartsWith(detail, problem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reverse_NoAdminToken_401()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, s_settings);

        using var response = await bridge.Client.GetAsync("/api/manage/people/reverse?uid=u_1&namespace=jira"); // the assignments token

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("/api/manage/people/github/x", "{\"kibanaUid\":\"u\"}", 400, "Unknown namespace")]
    [InlineData("/api/manage/people/jira/x", "{\"kibanaUid\":\" \"}", 400, "The mapping is not valid")]
    [InlineData("/api/manage/people/jira/x", "{", 400, "The body is not valid JSON")]
    public async Task Put_BadRequest_ProblemNamingIt(string path, string body, int status, string title)
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, s_settings);
        using var client = Admin(bridge);

        using var response = await client.PutAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(status, (int)response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.StartsWith(title.Split(' ')[0], problem!["title"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_CsvDryRunThenReal_DiffThenWritesWithAudit()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, s_settings);
        using var client = Admin(bridge);
        const string csv = "namespace,externalId,email,kibanaUid,displayName\njira,A1,ann@example.com,u_ann_0,Ann\nnope,B,,u_b,\n";

        using var dry = await client.PostAsync("/api/manage/people/import?dryRun=true", new StringContent(csv, Encoding.UTF8, "text/csv"));
        var drySummary = await dry.Content.ReadFromJsonAsync<JsonObject>();
        var rowsAfterDryRun = await client.GetFromJsonAsync<JsonArray>("/api/manage/people");
        using var real = await client.PostAsync("/api/manage/people/import", new StringContent(csv, Encoding.UTF8, "text/csv"));
        var summary = await real.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.OK, dry.StatusCode);
        Assert.True(drySummary!["dryRun"]!.GetValue<bool>());
        Assert.Equal(2, drySummary["changes"]!.AsArray().Count);
        Assert.Empty(rowsAfterDryRun!);
        Assert.Equal(2, summary!["added"]!.GetValue<int>());
        Assert.Equal("line 3", summary["invalid"]![0]!["location"]!.GetValue<string>());
        var email = await client.GetFromJsonAsync<JsonObject>("/api/manage/people/email/ann@example.com");
        Assert.Equal("admin-api:ops-team", email!["updatedBy"]!.GetValue<string>());
    }

    [Fact]
    public async Task Import_JsonBodyOverLimit_413()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string>(s_settings) { ["Admin:MaxImportBytes"] = "1024" });
        using var client = Admin(bridge);
        var json = "[" + string.Join(",", Enumerable.Range(0, 50).Select(i => $"{{\"namespace\":\"jira\",\"externalId\":\"a{i}\",\"kibanaUid\":\"u{i}\"}}")) + "]";

        using var response = await client.PostAsync("/api/manage/people/import", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Import_OtherMediaType_415()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, s_settings);
        using var client = Admin(bridge);

        using var response = await client.PostAsync("/api/manage/people/import", new StringContent("x", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    private static HttpClient Admin(BridgeHarness bridge)
    {
        var client = new HttpClient { BaseAddress = bridge.Client.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        return client;
    }
}

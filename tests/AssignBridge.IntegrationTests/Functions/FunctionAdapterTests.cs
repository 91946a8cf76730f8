using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text;
using AssignBridge.Admin;
using AssignBridge.Functions;
using AssignBridge.IntegrationTests.Deployment;
using AssignBridge.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AssignBridge.IntegrationTests.Functions;

/// <summary>
/// Each [Function] method, called directly with a request built on <see cref="DefaultHttpContext"/> and a test
/// <see cref="FunctionContext"/>, answers exactly as the standalone route does for the same request: status, media
/// type, the headers a caller acts on, and the body (less what differs per request: trace ids, latencies, and the
/// ids the two calls are given so that neither is the other's redelivery).
/// </summary>
[Collection("azurite")]
public sealed class FunctionAdapterTests(AzuriteFixture azurite)
{
    private const string AdminToken = "adapter-admin-token";

    /// <summary>One request per case; <c>{n}</c> in the path, query, headers or body becomes 0 for the standalone call and 1 for the function's.</summary>
    public sealed record AdapterCase(string Function, string Method, string Path, string? Body = null, string? ContentType = null, string? Bearer = BridgeHarness.Token, params string[] RouteValues)
    {
        public override string ToString() => $"{Function}: {Method} {Path}";
    }

    public static TheoryData<AdapterCase> Cases() =>
    [
        new("GetHealth", "GET", "/api/health", Bearer: null),
        new("PostAssignment", "POST", "/api/assignments", """{"alertIds":["alert-{n}"],"add":["u_alice_0"],"reference":"ref-{n}"}""", "application/json"),
        new("PostAssignment", "POST", "/api/assignments", """{"alertIds":["alert-{n}"],"add":["u_alice_0"]}""", "application/json", Bearer: null),
        new("PostAssignment", "POST", "/api/assignments", """{"alertIds":[],"add":"nobody"}""", "application/json"),
        new("PostAssignment", "POST", "/api/assignments", "alertIds=1", "text/plain"),
        new("PostJiraWebhook", "POST", "/api/webhooks/jira", """{"webhookEvent":"jira:issue_updated"}""", "application/json", Bearer: null),
        new("PostServiceNowWebhook", "POST", "/api/webhooks/servicenow", """{"number":"INC0001"}""", "application/json", Bearer: null),
        new("PostSlackCommand", "POST", "/api/commands/slack", "team_id=T1&user_id=U1&command=%2Fassign-alert&text=a+me", "application/x-www-form-urlencoded", Bearer: null),
        new("PostSlackCommand", "POST", "/api/commands/slack", "ssl_check=1&token=x", "application/x-www-form-urlencoded", Bearer: null),
        new("PostTeamsCommand", "POST", "/api/commands/teams", """{"type":"message","id":"1","text":"assign"}""", "application/json", Bearer: null),
        new("ListPeople", "GET", "/api/manage/people", Bearer: AdminToken),
        new("ListPeople", "GET", "/api/manage/people"),
        new("ListPeople", "GET", "/api/manage/people?namespace=nowhere", Bearer: AdminToken),
        new("ResolvePerson", "GET", "/api/manage/people/resolve?person=slack:U{n}", Bearer: AdminToken),
        new("ResolvePerson", "GET", "/api/manage/people/resolve", Bearer: AdminToken),
        new("ReversePerson", "GET", "/api/manage/people/reverse?uid=u_{n}_0&namespace=jira", Bearer: AdminToken),
        new("ReversePerson", "GET", "/api/manage/people/reverse?uid=u_{n}_0&namespace=nowhere", Bearer: AdminToken),
        new("ImportPeople", "POST", "/api/manage/people/import?dryRun=true", "namespace,externalId,email,kibanaUid,displayName\r\nslack,U{n},,u_{n}_0,Someone\r\n", "text/csv", AdminToken),
        new("ImportPeople", "POST", "/api/manage/people/import?dryRun=maybe", "namespace,externalId,email,kibanaUid\r\n", "text/csv", AdminToken),
        new("GetPerson", "GET", "/api/manage/people/jira/nobody-{n}", Bearer: AdminToken, RouteValues: ["jira", "nobody-{n}"]),
        new("PutPerson", "PUT", "/api/manage/people/jira/user-{n}", """{"kibanaUid":"u_user_{n}","displayName":"User"}""", "application/json", AdminToken, "jira", "user-{n}"),
        new("PutPerson", "PUT", "/api/manage/people/jira/user-{n}", """{"kibanaUid":""}""", "application/json", AdminToken, "jira", "user-{n}"),
        new("DeletePerson", "DELETE", "/api/manage/people/jira/nobody-{n}", Bearer: AdminToken, RouteValues: ["jira", "nobody-{n}"]),
        new("ListJournal", "GET", "/api/manage/journal?status=dead", Bearer: AdminToken),
        new("ListJournal", "GET", "/api/manage/journal?top=many", Bearer: AdminToken),
        new("ListJournal", "GET", "/api/manage/journal?status=sleeping", Bearer: AdminToken),
        new("ReplayJournal", "POST", "/api/manage/journal/replay", Bearer: AdminToken),
        new("ReplayJournal", "POST", "/api/manage/journal/replay?status=applied", Bearer: AdminToken),
        new("ReplayDelivery", "POST", "/api/manage/journal/api/none-{n}/replay", Bearer: AdminToken, RouteValues: ["api", "none-{n}"]),
        new("QueryAudit", "GET", "/api/manage/audit?alert=alert-{n}", Bearer: AdminToken),
        new("QueryAudit", "GET", "/api/manage/audit?alert=a&ticket=t", Bearer: AdminToken),
        new("QueryAudit", "GET", "/api/manage/audit?alert=a&top=-1", Bearer: AdminToken),
    ];

    [Fact]
    public void Cases_CoverEveryHttpFunction()
    {
        var covered = ((IEnumerable<object[]>)Cases()).Select(row => ((AdapterCase)row[0]).Function).ToHashSet(StringComparer.Ordinal);
        var functions = FunctionsMetadata.Load().Where(f => f.IsHttp).Select(f => f.Name).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(functions.Order(StringComparer.Ordinal), covered.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Function_AnswersAsTheStandaloneRoute(AdapterCase test)
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string> { ["Admin:Tokens:0"] = AdminToken });
        bridge.Kibana.State.SeedAlert("default", "alert-0");
        bridge.Kibana.State.SeedAlert("default", "alert-1");

        var standalone = await StandaloneAsync(bridge, test);
        var function = await FunctionAsync(bridge, test);

        Assert.Equal(standalone.Status, function.Status);
        Assert.Equal(standalone.MediaType, function.MediaType);
        Assert.Equal(standalone.Headers, function.Headers);
        Assert.Equal(standalone.Body, function.Body);
    }

    private sealed record Answer(int Status, string? MediaType, string Headers, string Body);

    private static string For(string text, int n) => text.Replace("{n}", n.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    private static async Task<Answer> StandaloneAsync(BridgeHarness bridge, AdapterCase test)
    {
        using var client = new HttpClient { BaseAddress = bridge.Client.BaseAddress };
        using var request = new HttpRequestMessage(new HttpMethod(test.Method), new Uri(For(test.Path, 0), UriKind.Relative));
        if (test.Bearer is { } bearer)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        request.Headers.Add("Idempotency-Key", "adapter-0");
        if (test.Body is { } body)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(For(body, 0)));
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(test.ContentType!);
        }

        using var response = await client.SendAsync(request);
        var headers = Relevant(response.Headers.Select(h => (h.Key, string.Join(",", h.Value))));
        return new Answer((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, headers, Normalize(await response.Content.ReadAsStringAsync(), 0));
    }

    private static async Task<Answer> FunctionAsync(BridgeHarness bridge, AdapterCase test)
    {
        await using var scope = bridge.Services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        var path = For(test.Path, 1);
        var query = path.IndexOf('?', StringComparison.Ordinal);
        http.Request.Method = test.Method;
        http.Request.Scheme = "http";
        http.Request.Host = new HostString(bridge.Client.BaseAddress!.Authority);
        http.Request.Path = query < 0 ? path : path[..query];
        http.Request.QueryString = query < 0 ? QueryString.Empty : new QueryString(path[query..]);
        http.Request.Headers["Idempotency-Key"] = "adapter-1";
        if (test.Bearer is { } bearer)
        {
            http.Request.Headers.Authorization = $"Bearer {bearer}";
        }

        var bytes = test.Body is null ? [] : Encoding.UTF8.GetBytes(For(test.Body, 1));
        http.Request.Body = new MemoryStream(bytes);
        http.Request.ContentLength = test.Body is null ? null : bytes.Length;
        http.Request.ContentType = test.ContentType;
        var responseBody = new MemoryStream();
        http.Response.Body = responseBody;

        await using var context = new TestFunctionContext(bridge.Services, test.Function);
        var values = test.RouteValues.Select(v => For(v, 1)).ToArray();
        var request = http.Request;
        IResult result = test.Function switch
        {
            "GetHealth" => await IngressFunctions.HealthAsync(request, context),
            "PostAssignment" => await IngressFunctions.AssignmentAsync(request, context),
            "PostJiraWebhook" => await IngressFunctions.JiraAsync(request, context),
            "PostServiceNowWebhook" => await IngressFunctions.ServiceNowAsync(request, context),
            "PostSlackCommand" => await IngressFunctions.SlackAsync(request, context),
            "PostTeamsCommand" => await IngressFunctions.TeamsAsync(request, context),
            "ListPeople" => await ManageFunctions.ListPeopleAsync(request, context),
            "ResolvePerson" => await ManageFunctions.ResolvePersonAsync(request, context),
            "ReversePerson" => await ManageFunctions.ReversePersonAsync(request, context),
            "ImportPeople" => await ManageFunctions.ImportPeopleAsync(request, context),
            "GetPerson" => await ManageFunctions.GetPersonAsync(request, values[0], values[1], context),
            "PutPerson" => await ManageFunctions.PutPersonAsync(request, values[0], values[1], context),
            "DeletePerson" => await ManageFunctions.DeletePersonAsync(request, values[0], values[1], context),
            "ListJournal" => await ManageFunctions.ListJournalAsync(request, context),
            "ReplayJournal" => await ManageFunctions.ReplayJournalAsync(request, context),
            "ReplayDelivery" => await ManageFunctions.ReplayDeliveryAsync(request, values[0], values[1], context),
            "QueryAudit" => await ManageFunctions.QueryAuditAsync(request, context),
            _ => throw new InvalidOperationException($"No case for {test.Function}."),
        };
        await result.ExecuteAsync(http);

        var mediaType = http.Response.ContentType is { } type ? MediaTypeHeaderValue.Parse(type).MediaType : null;
        var headers = Relevant(http.Response.Headers.Select(h => (h.Key, h.Value.ToString())));
        return new Answer(http.Response.StatusCode, mediaType, headers, Normalize(Encoding.UTF8.GetString(responseBody.ToArray()), 1));
    }

    /// <summary>The headers a caller acts on.</summary>
    private static string Relevant(IEnumerable<(string Name, string Value)> headers) => string.Join("; ", headers
        .Where(h => h.Name is "WWW-Authenticate" or "Retry-After" or "Location")
        .OrderBy(h => h.Name, StringComparer.Ordinal)
        .Select(h => $"{h.Name}: {h.Value}"));

    /// <summary>The body less what differs per request.</summary>
    private static string Normalize(string body, int n)
    {
        var text = body.Replace($"adapter-{n}", "adapter-n", StringComparison.Ordinal)
            .Replace($"alert-{n}", "alert-n", StringComparison.Ordinal)
            .Replace($"ref-{n}", "ref-n", StringComparison.Ordinal)
            .Replace($"u_user_{n}", "u_user_n", StringComparison.Ordinal)
            .Replace($"user-{n}", "user-n", StringComparison.Ordinal)
            .Replace($"nobody-{n}", "nobody-n", StringComparison.Ordinal)
            .Replace($"none-{n}", "none-n", StringComparison.Ordinal)
            .Replace($"U{n}", "Un", StringComparison.Ordinal)
            .Replace($"u_{n}_0", "u_n_0", StringComparison.Ordinal);
        if (text.Length == 0 || JsonNode.Parse(text) is not { } node)
        {
            return text;
        }

        Strip(node);
        return node.ToJsonString();
    }

    private static void Strip(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in new[] { "traceId", "latencyMs", "updatedAt", "recordedAt", "at", "durationMs", "elapsedMs" })
                {
                    obj.Remove(name);
                }

                foreach (var child in obj.Select(p => p.Value).OfType<JsonNode>().ToList())
                {
                    Strip(child);
                }

                break;
            case JsonArray array:
                foreach (var child in array.OfType<JsonNode>())
                {
                    Strip(child);
                }

                break;
        }
    }
}

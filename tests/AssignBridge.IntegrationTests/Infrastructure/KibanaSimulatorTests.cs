using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using System.Text;
using KibanaSimulator;

namespace AssignBridge.IntegrationTests.Infrastructure;

/// <summary>
/// Proves the Kibana simulator answers as Kibana's source does, over real HTTP. Expected bodies and
/// messages come from /work/shared/reference/kibana-api-facts.md (section named in each test) and the
/// OpenAPI examples in kibana-alert-assignees-api.txt.
/// </summary>
public sealed class KibanaSimulatorTests : IAsyncLifetime, IDisposable
{
    private const string FullKey = "full-key";
    private const string ReadOnlyKey = "read-only-key";
    private const string Assignees = "api/detection_engine/signals/assignees";
    private const string Search = "api/detection_engine/signals/search";
    private const string Field = "kibana.alert.workflow_assignee_ids";

    private RunningSimulator _simulator = null!;
    private readonly HttpClient _http = new();

    private KibanaState State => _simulator.State;

    public async Task InitializeAsync()
    {
        _simulator = await RunningSimulator.StartAsync(new SimulatorOptions { ApiKeys = { FullKey }, ReadOnlyApiKeys = { ReadOnlyKey } });
        _http.BaseAddress = _simulator.BaseAddress;
    }

    public async Task DisposeAsync() => await _simulator.DisposeAsync();

    public void Dispose() => _http.Dispose();

    // Section 1 "How the update is done": the painless script and the integration-test results quoted there.

    [Fact]
    public async Task Assignees_AddUser3RemoveUser2_GivesUser1User3()
    {
        State.SeedAlert("default", "alert-1", "user-1", "user-2");

        var reply = await PostAsync(Assignees, SetBody(["alert-1"], add: ["user-3"], remove: ["user-2"]));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(["user-1", "user-3"], State.GetAssignees("default", "alert-1"));
    }

    [Fact]
    public async Task Assignees_SameUidAddedTwice_StoredOnce()
    {
        State.SeedAlert("default", "alert-1");

        await PostAsync(Assignees, SetBody(["alert-1"], add: ["user-1", "user-1"], remove: []));
        await PostAsync(Assignees, SetBody(["alert-1"], add: ["user-1"], remove: []));

        Assert.Equal(["user-1"], State.GetAssignees("default", "alert-1"));
    }

    [Fact]
    public async Task Assignees_EmptyAddAndRemove_LeavesFieldUnchangedButCountsUpdated()
    {
        State.SeedAlert("default", "alert-1", "user-1", "user-2");

        var reply = await PostAsync(Assignees, SetBody(["alert-1"], add: [], remove: []));

        Assert.Equal(["user-1", "user-2"], State.GetAssignees("default", "alert-1"));
        Assert.Equal(1, (int)reply.Json["updated"]!);
    }

    [Fact]
    public async Task Assignees_FieldMissing_SetToAddEvenWhenAddIsEmpty()
    {
        State.SeedAlert("default", "never-assigned");
        State.SeedAlert("default", "also-never-assigned");
        Assert.Null(State.GetAssignees("default", "never-assigned"));

        await PostAsync(Assignees, SetBody(["never-assigned"], add: [], remove: ["user-9"]));
        await PostAsync(Assignees, SetBody(["also-never-assigned"], add: ["user-2", "user-1", "user-2"], remove: []));

        Assert.Equal([], State.GetAssignees("default", "never-assigned"));
        Assert.Equal(["user-2", "user-1"], State.GetAssignees("default", "also-never-assigned"));
    }

    [Fact]
    public async Task Assignees_RemoveUidNotAssigned_ChangesNothing()
    {
        State.SeedAlert("default", "alert-1", "user-1");

        await PostAsync(Assignees, SetBody(["alert-1"], add: [], remove: ["user-7"]));

        Assert.Equal(["user-1"], State.GetAssignees("default", "alert-1"));
    }

    [Fact]
    public async Task Assignees_UnknownAndRepeatedIds_CountOnlyMatchedAlerts()
    {
        State.SeedAlert("default", "alert-1");
        State.SeedAlert("default", "alert-2", "user-1");

        var reply = await PostAsync(Assignees, SetBody(["alert-1", "no-such-alert", "alert-1", "alert-2"], add: ["user-1"], remove: []));

        // Section 1 "Response body": the raw update-by-query body; `took` varies.
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        reply.Json["took"] = 0;
        AssertJson(
            """
            {"took":0,"timed_out":false,"total":2,"updated":2,"deleted":0,"batches":1,"version_conflicts":0,
             "noops":0,"retries":{"bulk":0,"search":0},"throttled_millis":0,"requests_per_second":-1,
             "throttled_until_millis":0,"failures":[]}
            """,
            reply.Json);
        Assert.False(State.AlertExists("default", "no-such-alert"));
    }

    [Fact]
    public async Task Assignees_SpaceWithNoAlerts_AnswersZeroCounts()
    {
        var reply = await PostAsync("s/empty-space/" + Assignees, SetBody(["alert-1"], add: ["user-1"], remove: []));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(0, (int)reply.Json["total"]!);
        Assert.Equal(0, (int)reply.Json["updated"]!);
        Assert.Equal(0, (int)reply.Json["batches"]!);
    }

    [Fact]
    public async Task Assignees_SpacePath_ChangesOnlyThatSpace()
    {
        State.SeedAlert("default", "alert-1", "user-1");
        State.SeedAlert("team-a", "alert-1", "user-1");

        var reply = await PostAsync("s/team-a/" + Assignees, SetBody(["alert-1"], add: ["user-2"], remove: ["user-1"]));

        Assert.Equal(1, (int)reply.Json["updated"]!);
        Assert.Equal(["user-2"], State.GetAssignees("team-a", "alert-1"));
        Assert.Equal(["user-1"], State.GetAssignees("default", "alert-1"));
        var defaultSearch = await PostAsync(Search, """{"query":{"ids":{"values":["alert-1"]}},"_source":["kibana.alert.workflow_assignee_ids"]}""");
        Assert.Equal("""["user-1"]""", defaultSearch.Json["hits"]!["hits"]![0]!["_source"]![Field]!.ToJsonString());
    }

    [Fact]
    public async Task Assignees_InvalidSpaceId_Answers404()
    {
        var reply = await PostAsync("s/Team A/" + Assignees, SetBody(["alert-1"], add: ["user-1"], remove: []));

        AssertBoom(reply, 404, "Not Found");
    }

    // Section 1 "Request validation (zod)": zod v4 messages, "[request body]: " prefix, at most 5 then "and N more".

    [Theory]
    [InlineData("""{"ids":[],"assignees":{"add":[],"remove":[]}}""", "ids: Too small: expected array to have >=1 items")]
    [InlineData("""{"ids":[""],"assignees":{"add":[],"remove":[]}}""", "ids.0: Too small: expected string to have >=1 characters, ids.0: No empty strings allowed")]
    [InlineData("""{"ids":["a"," \t "],"assignees":{"add":[],"remove":[]}}""", "ids.1: No empty strings allowed")]
    [InlineData("""{"ids":["a"],"assignees":{"add":[""],"remove":[]}}""", "assignees.add.0: Too small: expected string to have >=1 characters, assignees.add.0: No empty strings allowed")]
    [InlineData("""{"ids":["a"],"assignees":{"add":[],"remove":["u","  "]}}""", "assignees.remove.1: No empty strings allowed")]
    [InlineData("""{}""", "assignees: Invalid input: expected object, received undefined, ids: Invalid input: expected array, received undefined")]
    [InlineData("""{"ids":["a"],"assignees":{}}""", "assignees.add: Invalid input: expected array, received undefined, assignees.remove: Invalid input: expected array, received undefined")]
    [InlineData("""{"ids":"a","assignees":{"add":"u","remove":null}}""", "assignees.add: Invalid input: expected array, received string, assignees.remove: Invalid input: expected array, received null, ids: Invalid input: expected array, received string")]
    [InlineData("""{"ids":[1,true],"assignees":{"add":[],"remove":[]}}""", "ids.0: Invalid input: expected string, received number, ids.1: Invalid input: expected string, received boolean")]
    [InlineData("""["a"]""", "Invalid input: expected object, received array")]
    [InlineData("""{"ids":["","",""],"assignees":{"add":[],"remove":[]}}""", "ids.0: Too small: expected string to have >=1 characters, ids.0: No empty strings allowed, ids.1: Too small: expected string to have >=1 characters, ids.1: No empty strings allowed, ids.2: Too small: expected string to have >=1 characters, and 1 more")]
    public async Task Assignees_InvalidBody_AnswersBoom400WithZodMessage(string body, string issues)
    {
        State.SeedAlert("default", "a", "user-1");

        var reply = await PostAsync(Assignees, body);

        AssertBoom(reply, 400, "[request body]: " + issues);
        Assert.Equal(["user-1"], State.GetAssignees("default", "a"));
    }

    [Fact]
    public async Task Assignees_BodyNotJson_AnswersBoom400()
    {
        var reply = await PostAsync(Assignees, """{"ids":[""");

        AssertBoom(reply, 400, "Invalid request payload JSON format");
    }

    [Fact]
    public async Task Assignees_SameUidInAddAndRemove_AnswersSiem400Verbatim()
    {
        State.SeedAlert("default", "alert-1", "test-1");

        var reply = await PostAsync(Assignees, SetBody(["alert-1"], add: ["test-1", "user-2"], remove: ["test-1"]));

        // Section 1 "Same assignee in both add and remove", byte for byte as Kibana's tests see it.
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("""{"message":["Duplicate assignees [\"test-1\"] were found in the add and remove parameters."],"status_code":400}""", reply.Body);
        Assert.Equal(["test-1"], State.GetAssignees("default", "alert-1"));
    }

    [Fact]
    public async Task Assignees_DuplicatesAndEmptyIds_SchemaErrorComesFirst()
    {
        var reply = await PostAsync(Assignees, SetBody([], add: ["test-1"], remove: ["test-1"]));

        AssertBoom(reply, 400, "[request body]: ids: Too small: expected array to have >=1 items");
    }

    // Sections 1 ("Public, versioned", "Required privileges", "kbn-xsrf") and 4: the checks before the handler.

    [Fact]
    public async Task Assignees_NoAuthorization_Answers401Boom()
    {
        var reply = await PostAsync(Assignees, SetBody(["alert-1"], add: ["u"], remove: []), apiKey: null, xsrf: false);

        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
        Assert.Equal(401, (int)reply.Json["statusCode"]!);
        Assert.Equal("Unauthorized", (string?)reply.Json["error"]);
        Assert.StartsWith("[security_exception\n\tRoot causes:\n\t\tsecurity_exception: unable to authenticate user", (string?)reply.Json["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Assignees_UnknownApiKey_Answers401()
    {
        var reply = await PostAsync(Assignees, SetBody(["alert-1"], add: ["u"], remove: []), apiKey: "not-a-key");

        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
    }

    [Fact]
    public async Task Assignees_ReadOnlyKey_Answers403BeforeBodyValidation()
    {
        var reply = await PostAsync(Assignees, "{}", apiKey: ReadOnlyKey);

        AssertBoom(reply, 403, "API [POST /api/detection_engine/signals/assignees] is unauthorized for user, this action is granted by the Kibana privileges [alerts-all]");
    }

    [Fact]
    public async Task Assignees_NoXsrfHeader_Answers400()
    {
        var reply = await PostAsync(Assignees, SetBody(["alert-1"], add: ["u"], remove: []), xsrf: false);

        AssertBoom(reply, 400, "Request must contain a kbn-xsrf header.");
    }

    [Fact]
    public async Task Assignees_KbnVersionInsteadOfXsrf_IsAccepted()
    {
        State.SeedAlert("default", "alert-1");

        var reply = await PostAsync(Assignees, SetBody(["alert-1"], add: ["u"], remove: []), xsrf: false, extraHeaders: [("kbn-version", "9.1.0")]);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
    }

    [Fact]
    public async Task Assignees_NoVersionHeader_Uses20231031AndSaysSo()
    {
        var reply = await PostAsync(Assignees, SetBody(["alert-1"], add: ["u"], remove: []), version: null);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(["2023-10-31"], reply.Headers.GetValues("elastic-api-version"));
    }

    [Fact]
    public async Task Assignees_MalformedVersion_Answers400()
    {
        var reply = await PostAsync(Assignees, SetBody(["alert-1"], add: ["u"], remove: []), version: "x");

        AssertBoom(reply, 400, "Invalid version. Received \"x\", expected a valid date string formatted as YYYY-MM-DD.");
    }

    [Fact]
    public async Task Assignees_UnknownVersion_Answers400ListingAvailable()
    {
        var reply = await PostAsync(Assignees, SetBody(["alert-1"], add: ["u"], remove: []), version: "2024-05-01");

        AssertBoom(reply, 400, "No version \"2024-05-01\" available for [post] [/api/detection_engine/signals/assignees]. Available versions are: [2023-10-31]");
    }

    [Fact]
    public async Task Assignees_NoKeyAndNoXsrf_AuthenticationComesFirst()
    {
        var reply = await PostAsync(Assignees, "{}", apiKey: null, xsrf: false, version: "x");

        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
    }

    // Section 2: reading assignees back.

    [Fact]
    public async Task Search_RecommendedBody_ReturnsAssigneesAndOmitsFieldNeverAssigned()
    {
        State.SeedAlert("default", "alert-1", "user-1", "user-2");
        State.SeedAlert("default", "alert-2");
        State.SeedAlert("default", "alert-3", "user-3");

        var reply = await PostAsync(Search, """
            {"query":{"bool":{"filter":[{"terms":{"_id":["alert-1","alert-2"]}}]}},
             "_source":["kibana.alert.workflow_assignee_ids"],"size":2}
            """);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        AssertJson(
            """
            {"took":1,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},
             "hits":{"total":{"value":2,"relation":"eq"},"max_score":null,"hits":[
               {"_index":".internal.alerts-security.alerts-default-000001","_id":"alert-1","_score":null,
                "_source":{"kibana.alert.workflow_assignee_ids":["user-1","user-2"]}},
               {"_index":".internal.alerts-security.alerts-default-000001","_id":"alert-2","_score":null,"_source":{}}]}}
            """,
            reply.Json);
    }

    [Fact]
    public async Task Search_FieldsOption_ReturnsFieldsKeyOnlyWhenValues()
    {
        State.SeedAlert("default", "assigned", "user-1");
        State.SeedAlert("default", "unassigned");

        var reply = await PostAsync(Search, """{"query":{"bool":{"filter":{"ids":{"values":["assigned","unassigned"]}}}},"fields":["kibana.alert.workflow_assignee_ids"],"_source":false}""");

        var hits = reply.Json["hits"]!["hits"]!.AsArray();
        Assert.Equal("""{"kibana.alert.workflow_assignee_ids":["user-1"]}""", hits[0]!["fields"]!.ToJsonString());
        Assert.False(hits[1]!.AsObject().ContainsKey("fields"));
        Assert.False(hits[0]!.AsObject().ContainsKey("_source"));
    }

    [Fact]
    public async Task Search_MatchAllWithoutSize_ReturnsTenOfTotal()
    {
        for (var i = 0; i < 12; i++)
        {
            State.SeedAlert("default", $"alert-{i}");
        }

        var reply = await PostAsync(Search, """{"query":{"match_all":{}}}""");

        Assert.Equal(12, (int)reply.Json["hits"]!["total"]!["value"]!);
        Assert.Equal(10, reply.Json["hits"]!["hits"]!.AsArray().Count);
    }

    [Fact]
    public async Task Search_ReadOnlyKeyInOtherSpace_SeesOnlyThatSpace()
    {
        State.SeedAlert("default", "alert-1", "user-1");
        State.SeedAlert("team-b", "alert-9", "user-9");

        var reply = await PostAsync("s/team-b/" + Search, """{"size":10}""", apiKey: ReadOnlyKey);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var hit = Assert.Single(reply.Json["hits"]!["hits"]!.AsArray());
        Assert.Equal("alert-9", (string?)hit!["_id"]);
        Assert.Equal(".internal.alerts-security.alerts-team-b-000001", (string?)hit["_index"]);
    }

    [Fact]
    public async Task Search_NoChildren_AnswersSiem400()
    {
        var reply = await PostAsync(Search, """{"runtime_mappings":{}}""");

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        AssertJson("""{"message":"\"value\" must have at least 1 children","status_code":400}""", reply.Json);
    }

    [Fact]
    public async Task Search_NoXsrfHeader_Answers400()
    {
        var reply = await PostAsync(Search, """{"size":1}""", xsrf: false);

        AssertBoom(reply, 400, "Request must contain a kbn-xsrf header.");
    }

    // Fault switches.

    [Fact]
    public async Task Faults_FailNext429WithRetryAfter_AnswersThenRecovers()
    {
        State.SeedAlert("default", "alert-1");
        State.Faults.FailNext(1, 429, retryAfter: TimeSpan.FromSeconds(2.5));

        var limited = await PostAsync(Assignees, SetBody(["alert-1"], add: ["user-1"], remove: []));
        Assert.Null(State.GetAssignees("default", "alert-1"));
        var retried = await PostAsync(Assignees, SetBody(["alert-1"], add: ["user-1"], remove: []));

        AssertBoom(limited, 429, "Too Many Requests");
        Assert.Equal(TimeSpan.FromSeconds(3), limited.Response.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.OK, retried.Status);
        Assert.Equal(["user-1"], State.GetAssignees("default", "alert-1"));
    }

    [Fact]
    public async Task Faults_FailNext500SiemShape_AnswersSiemBody()
    {
        State.Faults.FailNext(2, 500, shape: "siem");

        var first = await PostAsync(Search, """{"size":1}""");
        var second = await PostAsync(Assignees, "not even json", apiKey: null);
        var third = await PostAsync(Search, """{"size":1}""");

        AssertJson("""{"message":"Internal Server Error","status_code":500}""", first.Json);
        Assert.Equal(HttpStatusCode.InternalServerError, second.Status);
        Assert.Equal(HttpStatusCode.OK, third.Status);
    }

    [Fact]
    public async Task Faults_FailNext503Boom_AnswersBoomBody()
    {
        State.Faults.FailNext(1, 503);

        var reply = await PostAsync(Search, """{"size":1}""");

        AssertBoom(reply, 503, "Service Unavailable");
    }

    [Fact]
    public async Task Faults_DropNext_AbortsConnectionAndRecordsStatusZero()
    {
        State.SeedAlert("default", "alert-1");
        State.Faults.DropNext(1);

        await Assert.ThrowsAsync<HttpRequestException>(() => PostAsync(Assignees, SetBody(["alert-1"], add: ["user-1"], remove: [])));
        var next = await PostAsync(Assignees, SetBody(["alert-1"], add: ["user-1"], remove: []));

        Assert.Equal(HttpStatusCode.OK, next.Status);
        Assert.Equal([0, 200], State.Requests.Select(r => r.Status).Order());
    }

    [Fact]
    public async Task Faults_Latency_DelaysEveryAnswer()
    {
        State.Faults.Latency = TimeSpan.FromMilliseconds(300);
        var clock = Stopwatch.StartNew();

        var reply = await PostAsync(Search, """{"size":1}""");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(290), $"answered after {clock.Elapsed}");
    }

    [Fact]
    public async Task Faults_ControlApi_SetsAndResetsFaults()
    {
        using var set = await _http.PostAsync(new Uri("_simulator/faults", UriKind.Relative), Json("""{"failNext":{"count":5,"status":429,"retryAfterSeconds":1}}"""));
        var limited = await PostAsync(Search, """{"size":1}""");
        using var reset = await _http.DeleteAsync(new Uri("_simulator/faults", UriKind.Relative));
        var normal = await PostAsync(Search, """{"size":1}""");

        Assert.Equal(HttpStatusCode.NoContent, set.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        Assert.Equal(HttpStatusCode.OK, normal.Status);
    }

    // Everything else.

    [Fact]
    public async Task Status_ReadOnlyKey_AnswersAvailable()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/status");
        request.Headers.Add("Authorization", $"ApiKey {ReadOnlyKey}");

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertJson("""{"name":"kibana-simulator","version":{"number":"9.1.0"},"status":{"overall":{"level":"available"}}}""", JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    [Theory]
    [InlineData("GET", "api/detection_engine/signals/assignees")]
    [InlineData("POST", "api/detection_engine/signals/nope")]
    [InlineData("GET", "somewhere/else")]
    public async Task UnknownRoute_AnyKey_Answers404Boom(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        AssertJson("""{"statusCode":404,"error":"Not Found","message":"Not Found"}""", JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    [Fact]
    public async Task Requests_KibanaCalls_AreRecordedWithHeadersBodyAndStatus()
    {
        State.SeedAlert("team-a", "alert-1");
        var body = SetBody(["alert-1"], add: ["user-1"], remove: []);

        await PostAsync("s/team-a/" + Assignees, body);
        await PostAsync(Search, "{}", apiKey: null);
        using var control = await _http.GetAsync(new Uri("_simulator/alerts", UriKind.Relative));

        Assert.Collection(
            State.Requests,
            first =>
            {
                Assert.Equal(("POST", "/s/team-a/api/detection_engine/signals/assignees", "team-a", 200), (first.Method, first.Path, first.Space, first.Status));
                Assert.Equal(body, first.Body);
                Assert.Equal($"ApiKey {FullKey}", first.Headers["authorization"]);
                Assert.Equal("true", first.Headers["KBN-XSRF"]);
            },
            second => Assert.Equal(("default", 401), (second.Space, second.Status)));
        State.ClearRequests();
        Assert.Empty(State.Requests);
    }

    [Fact]
    public async Task ControlApi_PutThenGetAlerts_RoundTripsMissingAndEmptyFields()
    {
        const string Seed = """[{"space":"default","id":"a1","assignees":["u1"]},{"id":"a2"},{"space":"ops","id":"a3","assignees":[]}]""";

        using var put = await _http.PutAsync(new Uri("_simulator/alerts", UriKind.Relative), Json(Seed));
        var all = await _http.GetStringAsync(new Uri("_simulator/alerts", UriKind.Relative));
        var ops = await _http.GetStringAsync(new Uri("_simulator/alerts?space=ops", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        AssertJson("""[{"space":"default","id":"a1","assignees":["u1"]},{"space":"default","id":"a2","assignees":null},{"space":"ops","id":"a3","assignees":[]}]""", JsonNode.Parse(all)!);
        AssertJson("""[{"space":"ops","id":"a3","assignees":[]}]""", JsonNode.Parse(ops)!);
        Assert.Null(State.GetAssignees("default", "a2"));
        Assert.Equal([], State.GetAssignees("ops", "a3"));
    }

    [Fact]
    public void State_GetAssigneesOfUnknownAlert_Throws()
    {
        State.SeedAlert("default", "alert-1");

        Assert.Throws<KeyNotFoundException>(() => State.GetAssignees("default", "alert-2"));
        Assert.Throws<KeyNotFoundException>(() => State.GetAssignees("other", "alert-1"));
    }

    private static string SetBody(string[] ids, string[] add, string[] remove) =>
        new JsonObject
        {
            ["assignees"] = new JsonObject { ["add"] = ToArray(add), ["remove"] = ToArray(remove) },
            ["ids"] = ToArray(ids),
        }.ToJsonString();

    private static JsonArray ToArray(string[] values) => [.. values.Select(v => JsonValue.Create(v))];

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static void AssertJson(string expected, JsonNode actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}\nactual   {actual.ToJsonString()}");

    private static void AssertBoom(Reply reply, int statusCode, string message)
    {
        Assert.Equal(statusCode, (int)reply.Status);
        AssertJson(
            new JsonObject
            {
                ["statusCode"] = statusCode,
                ["error"] = reply.Response.ReasonPhrase,
                ["message"] = message,
            }.ToJsonString(),
            reply.Json);
    }

    /// <summary>POSTs like the bridge's KibanaClient does unless told to leave a header out.</summary>
    private async Task<Reply> PostAsync(
        string path,
        string body,
        string? apiKey = FullKey,
        bool xsrf = true,
        string? version = "2023-10-31",
        (string Name, string Value)[]? extraHeaders = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(body) };
        if (apiKey is not null)
        {
            request.Headers.Add("Authorization", $"ApiKey {apiKey}");
        }

        if (xsrf)
        {
            request.Headers.Add("kbn-xsrf", "true");
        }

        if (version is not null)
        {
            request.Headers.Add("elastic-api-version", version);
        }

        foreach (var (name, value) in extraHeaders ?? [])
        {
            request.Headers.Add(name, value);
        }

        var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Reply(response, text);
    }

    private sealed record Reply(HttpResponseMessage Response, string Body)
    {
        public HttpStatusCode Status => Response.StatusCode;

        public System.Net.Http.Headers.HttpResponseHeaders Headers => Response.Headers;

        public JsonNode Json { get; } = JsonNode.Parse(Body)!;
    }
}

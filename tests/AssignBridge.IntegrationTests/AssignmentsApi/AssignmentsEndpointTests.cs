using System.Net.Http.Json;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.Json;
using System.Text;
using AssignBridge.IntegrationTests.Infrastructure;
using KibanaSimulator;
using Microsoft.Extensions.DependencyInjection;

namespace AssignBridge.IntegrationTests.AssignmentsApi;

/// <summary>POST /api/assignments end to end: real Kestrel, the Kibana simulator, the Key Vault fake and Azurite.</summary>
[Collection("azurite")]
public sealed class AssignmentsEndpointTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Assign_MappedJiraPerson_AppliedInKibanaWithKeyFromKeyVault()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        await bridge.MapAsync("jira", "5b10ac8d82e05b22cc7d4ef5", "u_alice_0");

        using var response = await PostAsync(bridge, new { alertIds = new[] { "alert-1" }, add = new[] { "jira:5b10ac8d82e05b22cc7d4ef5" } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ReadAsync(response);
        Assert.Equal("applied", body["status"]!.GetValue<string>());
        var space = body["spaces"]![0]!;
        Assert.Equal("default", space["space"]!.GetValue<string>());
        Assert.Equal(1, space["updated"]!.GetValue<int>());
        Assert.Equal("mapping", body["people"]![0]!["via"]!.GetValue<string>());
        Assert.Equal(["u_alice_0"], bridge.Kibana.State.GetAssignees("default", "alert-1"));
        Assert.True(bridge.Vault.GetSecretRequests >= 1);

        // The headers Kibana requires (kibana-api-facts.md §1 and §4).
        var sent = Assert.Single(bridge.Kibana.State.Requests, r => r.Path.EndsWith("/signals/assignees", StringComparison.Ordinal));
        Assert.Equal($"ApiKey {BridgeHarness.KibanaKey}", sent.Headers["Authorization"]);
        Assert.True(sent.Headers.ContainsKey("kbn-xsrf"));
        Assert.Equal("2023-10-31", sent.Headers["elastic-api-version"]);
    }

    [Fact]
    public async Task Reassign_RemoveOneAddAnother_KibanaHoldsTheNewAssigneeOnly()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        bridge.Kibana.State.SeedAlert("default", "alert-1", "u_bob_0", "u_carol_0");
        await bridge.MapAsync("email", "alice@example.com", "u_alice_0");
        await bridge.MapAsync("slack", "U024BE7LH", "u_bob_0");

        using var response = await PostAsync(bridge, new { alertIds = new[] { "alert-1" }, add = new[] { "Alice@Example.com" }, remove = new[] { "slack:U024BE7LH" } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["u_carol_0", "u_alice_0"], bridge.Kibana.State.GetAssignees("default", "alert-1"));
    }

    [Fact]
    public async Task Assign_UnmappedPersonUnderRejectPolicy_422NamesThePersonAndNothingSent()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        await bridge.MapAsync("jira", "known", "u_alice_0");

        using var response = await PostAsync(bridge, new { alertIds = new[] { "alert-1" }, add = new[] { "jira:known", "jira:stranger" } });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var body = await ReadAsync(response);
        Assert.Contains("jira:stranger", body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("jira:stranger", body["unresolved"]![0]!["person"]!.GetValue<string>());
        Assert.DoesNotContain(bridge.Kibana.State.Requests, r => r.Path.EndsWith("/signals/assignees", StringComparison.Ordinal));
        Assert.Null(bridge.Kibana.State.GetAssignees("default", "alert-1"));
    }

    [Fact]
    public async Task Assign_UnmappedPersonUnderSkipPolicy_MappedAppliedAndUnmappedReported()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string> { ["People:UnmappedPolicy"] = "SkipAndReport" });
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        await bridge.MapAsync("jira", "known", "u_alice_0");

        using var response = await PostAsync(bridge, new { alertIds = new[] { "alert-1" }, add = new[] { "jira:known", "teams:29:1abc" } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ReadAsync(response);
        Assert.Equal("teams:29:1abc", body["unresolved"]![0]!["person"]!.GetValue<string>());
        Assert.Contains("no mapping in namespace 'teams'", body["unresolved"]![0]!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(["u_alice_0"], bridge.Kibana.State.GetAssignees("default", "alert-1"));
    }

    [Fact]
    public async Task Assign_UnmappedPersonUnderDefaultPolicy_DefaultUidAssignedAndSaidSo()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string>
        {
            ["People:UnmappedPolicy"] = "DefaultUid",
            ["People:DefaultUid"] = "u_triage_0",
        });
        bridge.Kibana.State.SeedAlert("default", "alert-1");

        using var response = await PostAsync(bridge, new { alertIds = new[] { "alert-1" }, add = new[] { "servicenow:abel.tuter" } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var person = (await ReadAsync(response))["people"]![0]!;
        Assert.Equal("default", person["via"]!.GetValue<string>());
        Assert.Equal(["u_triage_0"], bridge.Kibana.State.GetAssignees("default", "alert-1"));
    }

    [Fact]
    public async Task Assign_ExternalIdUnmappedButEmailMapped_ResolvedThroughEmail()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        await bridge.MapAsync("email", "dana@example.com", "u_dana_0");

        using var response = await PostAsync(bridge, new
        {
            alertIds = new[] { "alert-1" },
            add = new object[] { new { @namespace = "jira-dc", id = "dana", email = "DANA@example.com" } },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("email", (await ReadAsync(response))["people"]![0]!["via"]!.GetValue<string>());
        Assert.Equal(["u_dana_0"], bridge.Kibana.State.GetAssignees("default", "alert-1"));
    }

    [Fact]
    public async Task Assign_SpacesHonoured_EachSpaceGetsItsOwnRequest()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        bridge.Kibana.State.SeedAlert("soc", "alert-1");
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        bridge.Kibana.State.SeedAlert("emea", "alert-2");

        using var response = await PostAsync(bridge, new
        {
            space = "soc",
            alertIds = new object[] { "alert-1", new { id = "alert-2", space = "emea" } },
            add = new[] { "u_alice_0" },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["u_alice_0"], bridge.Kibana.State.GetAssignees("soc", "alert-1"));
        Assert.Equal(["u_alice_0"], bridge.Kibana.State.GetAssignees("emea", "alert-2"));
        Assert.Null(bridge.Kibana.State.GetAssignees("default", "alert-1"));
        var paths = bridge.Kibana.State.Requests.Select(r => r.Path).ToList();
        Assert.Contains("/s/soc/api/detection_engine/signals/assignees", paths);
        Assert.Contains("/s/emea/api/detection_engine/signals/assignees", paths);
    }

    [Fact]
    public async Task Assign_ManyIds_ChunkedIntoBoundedRequestsAllApplied()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string> { ["Kibana:MaxIdsPerRequest"] = "500" });
        var ids = Enumerable.Range(0, 2_001).Select(i => $"alert-{i:D5}").ToArray();
        foreach (var id in ids)
        {
            bridge.Kibana.State.SeedAlert("default", id);
        }

        using var response = await PostAsync(bridge, new { alertIds = ids, add = new[] { "u_alice_0" } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var space = (await ReadAsync(response))["spaces"]![0]!;
        Assert.Equal(5, space["requests"]!.GetValue<int>());
        Assert.Equal(2_001, space["updated"]!.GetValue<int>());
        Assert.All(ids, id => Assert.Equal(["u_alice_0"], bridge.Kibana.State.GetAssignees("default", id)));
    }

    [Fact]
    public async Task Assign_UnknownAlertIds_ReportedAsNotUpdated()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        bridge.Kibana.State.SeedAlert("default", "alert-1");

        using var response = await PostAsync(bridge, new { alertIds = new[] { "alert-1", "no-such-alert" }, add = new[] { "u_alice_0" } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var space = (await ReadAsync(response))["spaces"]![0]!;
        Assert.Equal(2, space["alerts"]!.GetValue<int>());
        Assert.Equal(1, space["updated"]!.GetValue<int>());
    }

    [Fact]
    public async Task Kibana400_422WithKibanasMessage()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        bridge.Kibana.State.Faults.FailNext(1, 400, "siem");

        using var response = await PostAsync(bridge, new { alertIds = new[] { "alert-1" }, add = new[] { "u_alice_0" } });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var body = await ReadAsync(response);
        Assert.Equal(400, body["kibanaStatus"]!.GetValue<int>());
        Assert.StartsWith("Kibana answered 400", body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single(bridge.Kibana.State.Requests, r => r.Path.EndsWith("/signals/assignees", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Kibana401WithNoNewerKey_502SaysCheckTheKeyAndNeverEchoesIt()
    {
        var kibana = new SimulatorOptions();
        kibana.ApiKeys.Add("a-different-key-kibana-knows");
        await using var bridge = await BridgeHarness.StartAsync(azurite, kibanaOptions: kibana);
        bridge.Kibana.State.SeedAlert("default", "alert-1");

        using var response = await PostAsync(bridge, new { alertIds = new[] { "alert-1" }, add = new[] { "u_alice_0" } });

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("API key", text, StringComparison.Ordinal);
        Assert.DoesNotContain(BridgeHarness.KibanaKey, text, StringComparison.Ordinal);
        Assert.Equal(2, bridge.Vault.GetSecretRequests); // read, then re-read once after the 401
        Assert.Equal(401, Assert.Single(bridge.Kibana.State.Requests, r => r.Path.EndsWith("/signals/assignees", StringComparison.Ordinal)).Status);
    }

    [Fact]
    public async Task Kibana401AfterKeyRotation_RereadsKeyVaultAndApplies()
    {
        var kibana = new SimulatorOptions();
        kibana.ApiKeys.Add("rotated-key-value");
        await using var bridge = await BridgeHarness.StartAsync(azurite, kibanaOptions: kibana);
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        using (await bridge.Client.GetAsync(new Uri("/api/health", UriKind.Relative)))
        {
            // Caches the old key, which Kibana refuses.
        }

        bridge.Vault.SetSecret("kibana-api-key", "rotated-key-value");

        using var response = await PostAsync(bridge, new { alertIds = new[] { "alert-1" }, add = new[] { "u_alice_0" } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["u_alice_0"], bridge.Kibana.State.GetAssignees("default", "alert-1"));
    }

    [Fact]
    public async Task Kibana403_502NamesTheMissingPrivilege()
    {
        var kibana = new SimulatorOptions();
        kibana.ReadOnlyApiKeys.Add(BridgeHarness.KibanaKey);
        kibana.ApiKeys.Add("some-other-admin-key");
        await using var bridge = await BridgeHarness.StartAsync(azurite, kibanaOptions: kibana);
        bridge.Kibana.State.SeedAlert("default", "alert-1");

        using var response = await PostAsync(bridge, new { alertIds = new[] { "alert-1" }, add = new[] { "u_alice_0" } });

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var body = await ReadAsync(response);
        Assert.Equal(403, body["kibanaStatus"]!.GetValue<int>());
        Assert.Contains("is unauthorized for user", body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kibana500Persistent_RetriedThen202AcceptedForALaterAttempt()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string> { ["Kibana:MaxRetries"] = "2" });
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        bridge.Kibana.State.Faults.FailNext(10, 500, "siem");

        using var response = await PostAsync(bridge, new { alertIds = new[] { "alert-1" }, add = new[] { "u_alice_0" } });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(3, bridge.Kibana.State.Requests.Count(r => r.Path.EndsWith("/signals/assignees", StringComparison.Ordinal)));
        var body = await ReadAsync(response);
        Assert.Equal("retrying", body["journalStatus"]!.GetValue<string>());
        Assert.Contains("Kibana 500", body["lastError"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kibana429Once_RetriedAndApplied()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        bridge.Kibana.State.Faults.FailNext(1, 429, "boom", TimeSpan.FromMilliseconds(100));

        using var response = await PostAsync(bridge, new { alertIds = new[] { "alert-1" }, add = new[] { "u_alice_0" } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["u_alice_0"], bridge.Kibana.State.GetAssignees("default", "alert-1"));
    }

    [Fact]
    public async Task KibanaDropsConnection_RetriedAndApplied()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        bridge.Kibana.State.Faults.DropNext(1);

        using var response = await PostAsync(bridge, new { alertIds = new[] { "alert-1" }, add = new[] { "u_alice_0" } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["u_alice_0"], bridge.Kibana.State.GetAssignees("default", "alert-1"));
    }

    [Fact]
    public async Task SecondSpaceFails_AnswerSaysWhatWasAppliedBeforeTheFailure()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string> { ["Kibana:MaxRetries"] = "0" });
        bridge.Kibana.State.SeedAlert("soc", "alert-1");
        bridge.Kibana.State.SeedAlert("emea", "alert-2");

        using var first = await PostAsync(bridge, new { space = "soc", alertIds = new[] { "alert-1" }, add = new[] { "u_alice_0" } });
        bridge.Kibana.State.Faults.FailNext(1, 503, "boom");
        using var response = await PostAsync(bridge, new
        {
            alertIds = new object[] { new { id = "alert-1", space = "soc" }, new { id = "alert-2", space = "emea" } },
            add = new[] { "u_bob_0" },
        });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var spaces = (await ReadAsync(response))["spaces"]!.AsArray();
        Assert.Equal("failed", spaces[0]!["status"]!.GetValue<string>());
        Assert.Equal("not-attempted", spaces[1]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task StorageUnavailable_503CouldNotRecordAndNothingSent()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string>
        {
            ["Storage:ConnectionString"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;",
        });
        bridge.Kibana.State.SeedAlert("default", "alert-1");

        using var response = await PostAsync(bridge, new { alertIds = new[] { "alert-1" }, add = new[] { "jira:someone" } });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Could not record the delivery", (await ReadAsync(response))["title"]!.GetValue<string>());
        Assert.DoesNotContain(bridge.Kibana.State.Requests, r => r.Path.EndsWith("/signals/assignees", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{\"alertIds\":[", "$")]
    [InlineData("{\"alertIds\":\"alert-1\",\"add\":[\"u1\"]}", "alertIds")]
    [InlineData("{\"alertIds\":[\"alert-1\"],\"add\":[42]}", "add[0]")]
    [InlineData("{\"alertIds\":[\"alert\\u0007-1\"],\"add\":[\"u1\"]}", "alertIds[0]")]
    [InlineData("{\"alertIds\":[\"alert-1\"]}", "add")]
    [InlineData("{\"alertIds\":[\"alert-1\"],\"add\":[\"u1\"],\"extra\":true}", "extra")]
    public async Task BadInput_400ProblemNamingTheField(string json, string field)
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);

        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await bridge.Client.PostAsync(new Uri("/api/assignments", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await ReadAsync(response))["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(field), $"errors: {errors.ToJsonString()}");
        Assert.Empty(bridge.Kibana.State.Requests);
    }

    [Fact]
    public async Task BodyOverTheLimit_413BeforeParsing()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string> { ["Assignments:MaxBodyBytes"] = "2048" });
        var ids = Enumerable.Range(0, 500).Select(i => $"alert-{i}").ToArray();

        using var response = await PostAsync(bridge, new { alertIds = ids, add = new[] { "u1" } });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("Assignments:MaxBodyBytes", (await ReadAsync(response))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BodyOverTheLimitWithoutContentLength_413()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string> { ["Assignments:MaxBodyBytes"] = "2048" });
        var json = JsonSerializer.Serialize(new { alertIds = Enumerable.Range(0, 500).Select(i => $"alert-{i}"), add = new[] { "u1" } });
        using var content = new StreamContent(new ChunkedStream(Encoding.UTF8.GetBytes(json)));
        content.Headers.ContentType = new("application/json");

        using var response = await bridge.Client.PostAsync(new Uri("/api/assignments", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task MoreIdsThanTheMaximum_400SaysSplit()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string> { ["Assignments:MaxAlertIds"] = "10" });

        using var response = await PostAsync(bridge, new { alertIds = Enumerable.Range(0, 11).Select(i => $"a{i}"), add = new[] { "u1" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at most 10", (await ReadAsync(response))["errors"]!["alertIds"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotJson_415()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);

        using var content = new StringContent("alertIds=a1", Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await bridge.Client.PostAsync(new Uri("/api/assignments", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-token")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task WithoutTheToken_401AndNothingRead(string? authorization)
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        bridge.Client.DefaultRequestHeaders.Authorization = authorization is null ? null : System.Net.Http.Headers.AuthenticationHeaderValue.Parse(authorization);

        using var response = await PostAsync(bridge, new { alertIds = new[] { "alert-1" }, add = new[] { "u1" } });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(bridge.Kibana.State.Requests);
    }

    [Fact]
    public async Task NoTokenConfigured_RouteRefusesEveryone()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string> { ["Assignments:Tokens:0"] = "" });

        using var response = await PostAsync(bridge, new { alertIds = new[] { "alert-1" }, add = new[] { "u1" } });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Logs_NeverHoldTheApiKeyOrTheToken()
    {
        var kibana = new SimulatorOptions();
        kibana.ApiKeys.Add("rotated-key-value");
        await using var bridge = await BridgeHarness.StartAsync(azurite, kibanaOptions: kibana);
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        using (await PostAsync(bridge, new { alertIds = new[] { "alert-1" }, add = new[] { "u_alice_0" } }))
        {
        }

        bridge.Vault.SetSecret("kibana-api-key", "rotated-key-value");
        using (await PostAsync(bridge, new { alertIds = new[] { "alert-1" }, add = new[] { "u_alice_0" } }))
        {
        }

        using (await bridge.Client.GetAsync(new Uri("/api/health", UriKind.Relative)))
        {
        }

        Assert.NotEmpty(bridge.Logs.Lines);
        foreach (var secret in new[] { BridgeHarness.KibanaKey, "rotated-key-value", BridgeHarness.Token, bridge.Vault.AccessToken })
        {
            Assert.DoesNotContain(bridge.Logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task DryRun_QueryParameter_PlanAnsweredAndAudited_KibanaNotCalled_NothingJournaled()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string> { ["People:UnmappedPolicy"] = "SkipAndReport" });
        bridge.Kibana.State.SeedAlert("default", "alert-1", "u_bob_0");
        await bridge.MapAsync("jira", "known", "u_alice_0");

        using var response = await bridge.Client.PostAsJsonAsync(new Uri("/api/assignments?dryRun=true", UriKind.Relative),
            new { alertIds = new[] { "alert-1" }, add = new[] { "jira:known", "jira:stranger" }, remove = new[] { "uid:u_bob_0" } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ReadAsync(response);
        Assert.Equal("dry-run", body["status"]!.GetValue<string>());
        var plan = Assert.Single(body["plan"]!.AsArray())!;
        Assert.Equal(["u_alice_0"], plan["add"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(["u_bob_0"], plan["remove"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("jira:stranger", body["unresolved"]![0]!["person"]!.GetValue<string>());
        Assert.Contains(body["notes"]!.AsArray(), n => n!.GetValue<string>().StartsWith("Dry run:", StringComparison.Ordinal));
        Assert.Equal(["u_bob_0"], bridge.Kibana.State.GetAssignees("default", "alert-1"));
        Assert.DoesNotContain(bridge.Kibana.State.Requests, r => r.Path.Contains("/signals/", StringComparison.Ordinal));
        var audit = await bridge.Services.GetRequiredService<AssignBridge.Audit.AuditLog>().ForAlertAsync("default", "alert-1", 10);
        Assert.Equal("planned", Assert.Single(audit).Result);
        var journaled = 0;
        try
        {
            await foreach (var _ in bridge.JournalTable.QueryAsync<Azure.Data.Tables.TableEntity>(maxPerPage: 10))
            {
                journaled++;
            }
        }
        catch (Azure.RequestFailedException exception) when (exception.Status == 404)
        {
            // No journal table: nothing journaled.
        }

        Assert.Equal(0, journaled);
    }

    [Theory]
    [InlineData("?dryRun=maybe")]
    [InlineData("?dryRun=true&dryRun=false")]
    public async Task DryRun_UnusableParameter_400NamesIt_NothingDone(string query)
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        bridge.Kibana.State.SeedAlert("default", "alert-1");

        using var response = await bridge.Client.PostAsJsonAsync(new Uri("/api/assignments" + query, UriKind.Relative), new { alertIds = new[] { "alert-1" }, add = new[] { "uid:u_alice_0" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("dryRun", (await ReadAsync(response))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(bridge.Kibana.State.GetAssignees("default", "alert-1"));
    }

    private static Task<HttpResponseMessage> PostAsync(BridgeHarness bridge, object body) =>
        bridge.Client.PostAsJsonAsync(new Uri("/api/assignments", UriKind.Relative), body);

    private static async Task<JsonNode> ReadAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    /// <summary>A body of unknown length (sent chunked), so the limit must hold without Content-Length.</summary>
    private sealed class ChunkedStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}

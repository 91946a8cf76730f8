using System.Globalization;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Net;
using System.Text.Json.Nodes;
using System.Text;
using AssignBridge.Commands.Slack;
using AssignBridge.Delivery;
using AssignBridge.IntegrationTests.Infrastructure;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace AssignBridge.IntegrationTests.Delivery;

/// <summary>
/// Whatever an attempt meets (a request that breaks a rule, a Kibana that answers something that is not Kibana's
/// answer, an exception nobody foresaw, stalled storage, a slow body), the delivery ends in a journal state, the
/// sender gets the answer its protocol expects, and nothing stops the process or the reconcile runs.
/// </summary>
[Collection("azurite")]
public sealed class NothingEscapesTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const string SlackSecret = "slack-signing-secret-for-tests-0001";

    [Fact]
    public async Task SlackCommand_SpaceIdKibanaRefuses_AnsweredAndNeverLeftPendingAndReconcileStillRuns()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string> { ["Slack:SigningSecrets:0"] = SlackSecret });
        await bridge.MapAsync("slack", "U0CALLER", "u_caller_0");
        bridge.Kibana.State.SeedAlert("default", "alert-1");

        using var response = await PostSlackAsync(bridge, $"alert-1 me in {new string('s', 101)}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["text"]!.GetValue<string>();
        Assert.Contains("space", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        await AssertNoRowPendingAsync(bridge);
        var report = await ReconcileAsync(bridge);
        Assert.True(report["ran"]!.GetValue<bool>());
        Assert.Empty(bridge.Kibana.State.Requests);
    }

    public static TheoryData<int, string, string, string> NotKibanasAnswers => new()
    {
        { 200, "text/html", "<html><body>Sign in to continue</body></html>", "HTML page" },
        { 200, "application/json", """{"took":3,"acknowledged":true}""", "not an update-by-query result" },
        { 200, "text/plain", "OK", "not an update-by-query result" },
        { 200, "application/json", """{"total":1,"upd""", "not an update-by-query result" },
    };

    [Theory]
    [MemberData(nameof(NotKibanasAnswers))]
    public async Task Kibana200WithAnotherBody_RetryingWithTheReasonAndLaterApplied(int status, string contentType, string body, string reason)
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string> { ["Journal:RetryBaseSeconds"] = "1" });
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        bridge.Kibana.State.Faults.AnswerNext(1, status, contentType, body);

        using var response = await PostAsync(bridge, new { alertIds = new[] { "alert-1" }, add = new[] { "u_alice_0" } }, "not-kibana-1");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var answer = await ReadAsync(response);
        Assert.Equal("retrying", answer["journalStatus"]!.GetValue<string>());
        Assert.Contains(reason, answer["lastError"]!.GetValue<string>(), StringComparison.Ordinal);
        var row = await bridge.Services.GetRequiredService<DeliveryJournal>().GetAsync("api", "not-kibana-1");
        Assert.Equal(DeliveryStatus.Retrying, row!.Status);
        Assert.Contains(reason, row.LastError, StringComparison.Ordinal);
        Assert.Contains(bridge.Logs.Lines, line => line.Contains("not-kibana-1", StringComparison.Ordinal) && line.Contains(reason, StringComparison.Ordinal));
    }

    public static TheoryData<int, string, string, string> KibanaRefusalsOfOtherShapes => new()
    {
        { 404, "text/html", "<html><head><title>404 Not Found</title></head></html>", "HTML page" },
        { 413, "text/plain", "Request Entity Too Large", "Kibana:MaxIdsPerRequest" },
    };

    [Theory]
    [MemberData(nameof(KibanaRefusalsOfOtherShapes))]
    public async Task KibanaRefusalWithoutKibanasBody_RejectedWithAReasonNot500(int status, string contentType, string body, string reason)
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        bridge.Kibana.State.Faults.AnswerNext(1, status, contentType, body);

        using var response = await PostAsync(bridge, new { alertIds = new[] { "alert-1" }, add = new[] { "u_alice_0" } }, "refused-1");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var row = await bridge.Services.GetRequiredService<DeliveryJournal>().GetAsync("api", "refused-1");
        Assert.Equal(DeliveryStatus.Rejected, row!.Status);
        Assert.Contains(reason, row.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnforeseenExceptionInAnAttempt_EndsInTheJournalNamedByTypeAndDeadAfterTheAttempts()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string> { ["Journal:MaxAttempts"] = "1" },
            configure: services => services.AddHttpClient(nameof(AssignBridge.Kibana.KibanaClient)).AddHttpMessageHandler(() => new ThrowingHandler()));
        bridge.Kibana.State.SeedAlert("default", "alert-1");

        using var response = await PostAsync(bridge, new { alertIds = new[] { "alert-1" }, add = new[] { "u_alice_0" } }, "unforeseen-1");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("InvalidOperationException", (await ReadAsync(response))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var row = await bridge.Services.GetRequiredService<DeliveryJournal>().GetAsync("api", "unforeseen-1");
        Assert.Equal(DeliveryStatus.Dead, row!.Status);
        Assert.Contains("InvalidOperationException", row.LastError, StringComparison.Ordinal);
        Assert.Contains(bridge.Logs.Lines, line => line.Contains("unforeseen-1", StringComparison.Ordinal) && line.Contains("InvalidOperationException", StringComparison.Ordinal));
        Assert.True((await ReconcileAsync(bridge))["ran"]!.GetValue<bool>());
    }

    [Fact]
    public async Task StandaloneScheduler_RunMeetsAnUnforeseenException_TheProcessKeepsRunningAndTheNextRunComes()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string>
        {
            ["Reconcile:Enabled"] = "true",
            ["Reconcile:Schedule"] = "0 * * * * *",
            ["Queue:Poll"] = "true", // the standalone poller applies what each scheduled sweep queues
            ["Journal:InlineDeadlineSeconds"] = "5",
        }, time: time, configure: services => services.AddHttpClient(nameof(AssignBridge.Kibana.KibanaClient)).AddHttpMessageHandler(() => new ThrowingHandler()));
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        using var first = await PostAsync(bridge, new { alertIds = new[] { "alert-1" }, add = new[] { "u_alice_0" } }, "scheduled-1");
        var lifetime = bridge.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>();

        // The clock moves a minute at a time (each step lets a scheduled run and the back-off come) until two runs attempted it.
        await WaitForAsync(() => bridge.Logs.Lines.Count(line => line.Contains("scheduled-1", StringComparison.Ordinal) && line.Contains("InvalidOperationException", StringComparison.Ordinal)
            && line.Contains("attempt failed", StringComparison.Ordinal)) >= 3, () => time.Advance(TimeSpan.FromMinutes(1)));

        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested);
        var row = await bridge.Services.GetRequiredService<DeliveryJournal>().GetAsync("api", "scheduled-1");
        Assert.True(row!.Attempts >= 3);
        Assert.Contains("InvalidOperationException", row.LastError, StringComparison.Ordinal);
        Assert.Contains(bridge.Logs.Lines, line => line.Contains("Reconcile: ", StringComparison.Ordinal) && line.Contains(" overdue, ", StringComparison.Ordinal));
    }

    /// <summary>Polls a condition on what the bridge has done, doing <paramref name="step"/> between looks; fails only after a minute.</summary>
    private static async Task WaitForAsync(Func<bool> condition, Action step)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (!condition())
        {
            step();
            await Task.Delay(50, limit.Token);
        }
    }

    [Fact]
    public async Task ChunkedDelivery_ChunksAppliedBeforeAFailureAreNotSentAgainByTheNextAttempt()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string>
        {
            ["Kibana:MaxIdsPerRequest"] = "2",
            ["Kibana:MaxRetries"] = "0",
            ["Journal:RetryBaseSeconds"] = "1",
        });
        var ids = Enumerable.Range(1, 6).Select(i => $"alert-{i}").ToArray();
        foreach (var id in ids)
        {
            bridge.Kibana.State.SeedAlert("default", id);
        }

        // The first request passes, the second fails in a way that may pass: the third is not attempted.
        bridge.Kibana.State.Faults.PassNext(1);
        bridge.Kibana.State.Faults.FailNext(1, 503);
        using var first = await PostAsync(bridge, new { alertIds = ids, add = new[] { "u_alice_0" } }, "chunked-1");

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var journal = bridge.Services.GetRequiredService<DeliveryJournal>();
        var row = await journal.GetAsync("api", "chunked-1");
        Assert.Equal(DeliveryStatus.Retrying, row!.Status);
        Assert.Single(row.Done);
        var sentBefore = bridge.Kibana.State.Requests.Count;

        await MakeDueAsync(bridge, "api", "chunked-1");
        await ReconcileAsync(bridge);

        row = await journal.GetAsync("api", "chunked-1");
        Assert.Equal(DeliveryStatus.Applied, row!.Status);
        Assert.Equal(2, row.Attempts);
        Assert.Equal(2, bridge.Kibana.State.Requests.Count - sentBefore); // chunks 2 and 3 only
        Assert.All(ids, id => Assert.Equal(["u_alice_0"], bridge.Kibana.State.GetAssignees("default", id)));
    }

    [Fact]
    public async Task AttemptThatNeverReportsBack_StillCountedSoMaxAttemptsEndsTheDelivery()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string> { ["Journal:MaxAttempts"] = "2" });
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        var journal = bridge.Services.GetRequiredService<DeliveryJournal>();
        var intent = new AssignBridge.Assignments.AssignmentIntent("api", "lost-1", null, [new AssignBridge.Assignments.AlertRef("default", "alert-1")], [AssignBridge.People.PersonRef.ForUid("u_alice_0")], [], null);

        // Two instances claim the delivery in turn and stop before writing a result (their claims expire).
        var (entry, created, _, _) = await journal.RecordAsync(intent);
        Assert.True(created);
        Assert.Equal(1, entry.Attempts);
        await MakeDueAsync(bridge, "api", "lost-1");
        var claimed = await journal.TryClaimAsync((await journal.GetAsync("api", "lost-1"))!);
        Assert.Equal(2, claimed!.Attempts);
        await MakeDueAsync(bridge, "api", "lost-1");

        var report = await ReconcileAsync(bridge);

        Assert.Equal(1, report["dead"]!.GetValue<int>());
        var row = await journal.GetAsync("api", "lost-1");
        Assert.Equal(DeliveryStatus.Dead, row!.Status);
        Assert.Contains("ended without a result", row.LastError, StringComparison.Ordinal);
        Assert.Empty(bridge.Kibana.State.Requests);
    }

    [Fact]
    public async Task JournalRowThatCannotBeRead_RejectedOnceAndTheRunGoesOn()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        await bridge.Services.GetRequiredService<DeliveryJournal>().EnsureTableAsync(CancellationToken.None);
        var past = DateTimeOffset.UtcNow.AddMinutes(-5);
        await bridge.JournalTable.AddEntityAsync(new TableEntity("api", "damaged-1")
        {
            ["Status"] = "pending",
            ["Attempts"] = 1,
            ["RecordedAt"] = past,
            ["NextAttemptAt"] = past,
            ["ClaimedUntil"] = past,
            ["Intent0"] = "not json"u8.ToArray(),
        });
        using var ok = await PostAsync(bridge, new { alertIds = new[] { "alert-1" }, add = new[] { "u_alice_0" } }, "fine-1");

        await ReconcileAsync(bridge);
        var second = await ReconcileAsync(bridge);

        var damaged = (await bridge.JournalTable.GetEntityAsync<TableEntity>("api", "damaged-1")).Value;
        Assert.Equal("rejected", damaged.GetString("Status"));
        Assert.Equal(0, second["due"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task StalledTableStorage_503WithRetryAfterWithinTheDeadline()
    {
        using var stalled = new TcpListener(IPAddress.Loopback, 0); // accepts connections and never answers
        stalled.Start();
        var port = ((IPEndPoint)stalled.LocalEndpoint).Port;
        var accepted = new List<TcpClient>();
        using var stop = new CancellationTokenSource();
        var acceptor = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                accepted.Add(await stalled.AcceptTcpClientAsync(stop.Token));
            }
        });
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string> { ["Journal:InlineDeadlineSeconds"] = "2" },
            configure: services => services.AddSingleton(TablesAt(port)));

        using var response = await PostAsync(bridge, new { alertIds = new[] { "alert-1" }, add = new[] { "u_alice_0" } }, "stalled-1");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.RetryAfter is not null);
        Assert.Contains(bridge.Logs.Lines, line => line.Contains("stalled-1", StringComparison.Ordinal) && line.Contains("could not be journaled", StringComparison.Ordinal));
        await stop.CancelAsync();
        accepted.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task TableStorageRefusingConnections_ReconcileAnswers200SayingWhyItDidNotRun()
    {
        using var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop(); // nothing listens there now: every connection is refused
        await using var bridge = await BridgeHarness.StartAsync(azurite, configure: services => services.AddSingleton(TablesAt(port)));

        var report = await ReconcileAsync(bridge);

        Assert.False(report["ran"]!.GetValue<bool>());
        Assert.Contains("could not be used", report["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task JournalReplay_DeliveryIdThatCannotBeAKey_404NotA500()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string> { ["Admin:Tokens:ops"] = "admin-token-for-escape-tests" });
        using var admin = new HttpClient { BaseAddress = bridge.Client.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "admin-token-for-escape-tests");

        using var response = await admin.PostAsync(new Uri($"/api/manage/journal/api/{new string('d', 600)}/replay", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData(201)]
    [InlineData(-1)]
    public async Task IdempotencyKeyTheBridgeCannotKeep_400NamingTheLimitAndNothingApplied(int length)
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        var key = length > 0 ? new string('k', length) : "key\twith-a-tab";

        for (var i = 0; i < 2; i++)
        {
            using var response = await PostAsync(bridge, new { alertIds = new[] { "alert-1" }, add = new[] { "u_alice_0" } }, key);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("200 characters", (await ReadAsync(response))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        Assert.Empty(bridge.Kibana.State.Requests);
    }

    [Fact]
    public async Task JournalList_MoreRowsThanOnePage_NewestFirstForAnyTop()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        var journal = bridge.Services.GetRequiredService<DeliveryJournal>();
        await journal.EnsureTableAsync(CancellationToken.None);
        var start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        var intent = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(
            new AssignBridge.Assignments.AssignmentIntent("api", "x", null, [], [], [], null), JournalJsonContext.Default.AssignmentIntent);

        // 1,200 rows, recorded a second apart, written in an order unrelated to their time.
        var rows = Enumerable.Range(0, 1_200).Select(i => new TableEntity("api", $"row-{(i * 7_919) % 1_200:D5}")
        {
            ["Status"] = "applied",
            ["Attempts"] = 1,
            ["RecordedAt"] = start.AddSeconds(i),
            ["NextAttemptAt"] = start,
            ["ClaimedUntil"] = start,
            ["Intent0"] = intent,
        }).ToList();
        foreach (var batch in rows.Chunk(100))
        {
            await bridge.JournalTable.SubmitTransactionAsync(batch.Select(r => new TableTransactionAction(TableTransactionActionType.Add, r)));
        }

        foreach (var top in new[] { 1, 3, 1_100 })
        {
            var listed = await journal.ListAsync(null, null, top);
            var expected = rows.OrderByDescending(r => r.GetDateTimeOffset("RecordedAt")).Take(top).Select(r => r.GetDateTimeOffset("RecordedAt")!.Value).ToList();
            Assert.Equal(expected, listed.Select(e => e.RecordedAt).ToList());
        }
    }

    [Fact]
    public async Task TenThousandIds_RecordsWrittenInBatches_AppliedAndAnswered200()
    {
        var counter = new StorageRequestCounter();
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string> { ["Journal:InlineDeadlineSeconds"] = "300" },
            configure: services => services.AddSingleton(counter.CreateTableServiceClient(azurite.ConnectionString)));
        var ids = Enumerable.Range(0, 10_000).Select(i => $"alert-{i:D5}").ToArray();
        foreach (var id in ids)
        {
            bridge.Kibana.State.SeedAlert("default", id);
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        using var response = await bridge.Client.PostAsJsonAsync(new Uri("/api/assignments", UriKind.Relative), new { alertIds = ids, add = new[] { "u_alice_0" }, reference = "SOC-10000" });
        output.WriteLine($"10,000 ids: answered {(int)response.StatusCode} after {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s with {counter.Count} storage requests (printed, not asserted)");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(10_000, (await ReadAsync(response))["spaces"]![0]!["updated"]!.GetValue<int>());
        // Per Kibana request of 500 ids: managed and audit rows in at most 16 bucket transactions each, and one audit row
        // per ticket name; plus the journal and the people look-up. One request per alert would be 20,000.
        Assert.InRange(counter.Count, 1, (20 * ((2 * AssignBridge.Platform.Storage.RowKeys.AlertBuckets) + 1)) + 10);
    }

    [Fact]
    public async Task TricklingBody_408ProblemOnEveryRouteAndOtherRequestsStillServed()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string>
        {
            ["Slack:SigningSecrets:0"] = SlackSecret,
            ["Admin:Tokens:ops"] = "admin-token-for-slow-tests",
        });
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        var routes = new[] { "/api/assignments", "/api/webhooks/jira", "/api/webhooks/servicenow", "/api/commands/slack", "/api/commands/teams" };

        var trickles = routes.Select(route => TrickleAsync(bridge.Client.BaseAddress!, route)).ToList();
        using var meanwhile = await PostAsync(bridge, new { alertIds = new[] { "alert-1" }, add = new[] { "u_alice_0" } }, "while-trickling");
        var answers = await Task.WhenAll(trickles);

        Assert.Equal(HttpStatusCode.OK, meanwhile.StatusCode);
        Assert.All(answers, answer => Assert.StartsWith("HTTP/1.1 408", answer, StringComparison.Ordinal));
        Assert.All(answers, answer => Assert.Contains("application/problem+json", answer, StringComparison.Ordinal));
        Assert.Contains(bridge.Logs.Lines, line => line.Contains("Slow client", StringComparison.Ordinal));
    }

    /// <summary>Sends headers promising a body, then one byte a second (far below Kestrel's 240 bytes/s), and returns the raw answer.</summary>
    private static async Task<string> TrickleAsync(Uri address, string route)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(address.Host, address.Port);
        await using var stream = client.GetStream();
        var head = $"POST {route} HTTP/1.1\r\nHost: {address.Authority}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n"
            + $"Authorization: Bearer {BridgeHarness.Token}\r\nX-Hub-Signature: sha256=00\r\nX-Slack-Signature: v0=00\r\nX-Slack-Request-Timestamp: 1\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        var reading = ReadAnswerAsync(stream);
        // Bounded: 120 bytes at most, then the answer is awaited whatever it is.
        for (var i = 0; i < 120 && !reading.IsCompleted; i++)
        {
            try
            {
                await stream.WriteAsync("{"u8.ToArray());
            }
            catch (IOException)
            {
                break; // the server stopped reading and closed its side
            }

            await Task.WhenAny(reading, Task.Delay(TimeSpan.FromSeconds(1)));
        }

        return await reading;
    }

    private static async Task<string> ReadAnswerAsync(NetworkStream stream)
    {
        var buffer = new byte[8_192];
        var answer = new StringBuilder();
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                answer.Append(Encoding.UTF8.GetString(buffer, 0, read));
                if (answer.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) && answer.ToString().Contains('}', StringComparison.Ordinal))
                {
                    break;
                }
            }
        }
        catch (IOException)
        {
            // The server closed the connection after answering.
        }

        return answer.ToString();
    }

    /// <summary>Table storage at a loopback port where the test decides what answers.</summary>
    private static TableServiceClient TablesAt(int port) => new(
        $"DefaultEndpointsProtocol=http;AccountName={AzuriteFixture.AccountName};AccountKey={AzuriteFixture.AccountKey};TableEndpoint=http://127.0.0.1:{port}/{AzuriteFixture.AccountName};");

    private static async Task MakeDueAsync(BridgeHarness bridge, string source, string deliveryId)
    {
        var past = DateTimeOffset.UtcNow.AddMinutes(-5);
        await bridge.JournalTable.UpdateEntityAsync(new TableEntity(source, deliveryId) { ["NextAttemptAt"] = past, ["ClaimedUntil"] = past }, Azure.ETag.All, TableUpdateMode.Merge);
    }

    private static async Task AssertNoRowPendingAsync(BridgeHarness bridge)
    {
        await foreach (var row in bridge.JournalTable.QueryAsync<TableEntity>())
        {
            Assert.NotEqual("pending", row.GetString("Status"));
        }
    }

    private static Task<JsonNode> ReconcileAsync(BridgeHarness bridge) => bridge.ReconcileAsync();

    private static Task<HttpResponseMessage> PostAsync(BridgeHarness bridge, object body, string deliveryId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/assignments", UriKind.Relative)) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", deliveryId);
        return bridge.Client.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> PostSlackAsync(BridgeHarness bridge, string text)
    {
        var form = string.Join('&', new Dictionary<string, string>
        {
            ["team_id"] = "T1",
            ["channel_id"] = "C1",
            ["user_id"] = "U0CALLER",
            ["user_name"] = "caller",
            ["command"] = "/assign-alert",
            ["text"] = text,
            ["response_url"] = "https://hooks.slack.com/commands/T1/1/x",
            ["trigger_id"] = Guid.NewGuid().ToString("n"),
        }.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var body = Encoding.UTF8.GetBytes(form);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/commands/slack") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/x-www-form-urlencoded");
        request.Headers.Add(SlackSignatureVerifier.TimestampHeader, ts);
        request.Headers.Add(SlackSignatureVerifier.SignatureHeader, SlackSignatureVerifier.Sign(SlackSecret, ts, body));
        return await bridge.Client.SendAsync(request);
    }

    private static async Task<JsonNode> ReadAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    /// <summary>Counts the requests the real table clients send (each retry too), as storage would see them.</summary>
    private sealed class StorageRequestCounter : Azure.Core.Pipeline.HttpPipelineSynchronousPolicy
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public override void OnSendingRequest(Azure.Core.HttpMessage message) => Interlocked.Increment(ref _count);

        public TableServiceClient CreateTableServiceClient(string connectionString)
        {
            var options = new TableClientOptions();
            options.AddPolicy(this, Azure.Core.HttpPipelinePosition.PerRetry);
            return new TableServiceClient(connectionString, options);
        }
    }

    private sealed class ThrowingHandler : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("a failure nobody foresaw");
    }
}

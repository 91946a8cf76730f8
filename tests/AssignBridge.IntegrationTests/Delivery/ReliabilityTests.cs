using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Net;
using System.Text.Json.Nodes;
using AssignBridge.Delivery;
using AssignBridge.IntegrationTests.Infrastructure;
using Azure.Data.Tables;
using KibanaSimulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace AssignBridge.IntegrationTests.Delivery;

/// <summary>Faults, crashes and races: every delivery the bridge accepted ends applied exactly once, or dead with a reason.</summary>
[Collection("azurite")]
public sealed class ReliabilityTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    // Back-offs here are at most 1 s (Journal:RetryBaseSeconds or RetryMaxSeconds, and a 429's Retry-After of 1 s):
    // past this, every delivery still retrying is due.
    private static readonly TimeSpan PastTheLongestBackOff = TimeSpan.FromSeconds(1.1);

    [Fact]
    public async Task TwoThousandDeliveriesWithRandomFaults_NoneLostNoneAppliedTwice()
    {
        const int deliveries = 2_000;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string>
        {
            ["Journal:RetryBaseSeconds"] = "1",
            ["Journal:RetryMaxSeconds"] = "1",
            ["Journal:MaxAttempts"] = "50",
            ["Kibana:MaxRetries"] = "1",
            ["Kibana:RetryBaseDelayMilliseconds"] = "5",
            ["Reconcile:BatchSize"] = "2000",
        }, time: time);
        for (var i = 0; i < deliveries; i++)
        {
            bridge.Kibana.State.SeedAlert("default", $"alert-{i}");
        }

        var random = new Random(20261125);
        var faults = new[] { 500, 503, 429, 0 };
        var statuses = new int[deliveries];
        var timer = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, deliveries), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, token) =>
        {
            int fault;
            lock (random)
            {
                fault = random.Next(5) == 0 ? faults[random.Next(faults.Length)] : -1;
            }

            if (fault == 0)
            {
                bridge.Kibana.State.Faults.DropNext(1);
            }
            else if (fault > 0)
            {
                bridge.Kibana.State.Faults.FailNext(1, fault, "boom", fault == 429 ? TimeSpan.FromMilliseconds(10) : null);
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/assignments", UriKind.Relative))
            {
                Content = JsonContent.Create(new { alertIds = new[] { $"alert-{i}" }, add = new[] { $"u_{i % 7}_0" } }),
            };
            request.Headers.Add("Idempotency-Key", $"delivery-{i}");
            using var response = await bridge.Client.SendAsync(request, token);
            statuses[i] = (int)response.StatusCode;
        });

        var rounds = 0;
        var journal = bridge.Services.GetRequiredService<DeliveryJournal>();
        while ((await journal.ListAsync(DeliveryStatus.Retrying, "api", 1)).Count > 0 && rounds++ < 30)
        {
            time.Advance(PastTheLongestBackOff);
            await bridge.ReconcileAsync();
        }

        timer.Stop();
        var applied = bridge.Kibana.State.Requests.Where(r => r.Path.EndsWith("/signals/assignees", StringComparison.Ordinal) && r.Status == 200).ToList();
        output.WriteLine($"{deliveries} deliveries: {statuses.Count(s => s == 200)} applied at once, {statuses.Count(s => s == 202)} accepted for later, {rounds} reconcile rounds, {timer.Elapsed.TotalSeconds:0.0} s; {bridge.Kibana.State.Requests.Count} Kibana requests, {applied.Count} accepted by Kibana.");

        Assert.All(statuses, s => Assert.True(s is 200 or 202, $"answered {s}"));

        // Exactly once: each alert is in exactly one request Kibana accepted (the bridge may coalesce several
        // deliveries into one request, so requests are counted per alert, not per delivery).
        var acceptedPerAlert = applied
            .SelectMany(r => JsonNode.Parse(r.Body)!["ids"]!.AsArray().Select(id => id!.GetValue<string>()))
            .GroupBy(id => id, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        for (var i = 0; i < deliveries; i++)
        {
            Assert.Equal(1, acceptedPerAlert.GetValueOrDefault($"alert-{i}"));
            Assert.Equal([$"u_{i % 7}_0"], bridge.Kibana.State.GetAssignees("default", $"alert-{i}"));
        }

        Assert.Equal(deliveries, (await journal.ListAsync(DeliveryStatus.Applied, "api", deliveries + 1)).Count);
    }

    [Fact]
    public async Task SameDeliveryTwentyTimesAtOnce_OneEffect()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        bridge.Kibana.State.SeedAlert("default", "alert-1");

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/assignments", UriKind.Relative))
            {
                Content = JsonContent.Create(new { alertIds = new[] { "alert-1" }, add = new[] { "u_alice_0" } }),
            };
            request.Headers.Add("Idempotency-Key", "the-same-delivery");
            using var response = await bridge.Client.SendAsync(request);
            return response.StatusCode;
        }));

        Assert.All(responses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.Accepted, s.ToString()));
        Assert.Single(bridge.Kibana.State.Requests, r => r.Path.EndsWith("/signals/assignees", StringComparison.Ordinal));
    }

    [Fact]
    public async Task KeyVaultSecretMissing_202ThenAppliedOnceTheSecretExists()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string>
        {
            ["KeyVault:KibanaApiKeySecretName"] = "key-created-later",
            ["Journal:RetryBaseSeconds"] = "1",
        }, time: time);
        bridge.Kibana.State.SeedAlert("default", "alert-1");

        using var accepted = await bridge.Client.PostAsJsonAsync(new Uri("/api/assignments", UriKind.Relative), new { alertIds = new[] { "alert-1" }, add = new[] { "u_alice_0" } });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Contains("key-created-later", await accepted.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        bridge.Vault.SetSecret("key-created-later", BridgeHarness.KibanaKey);
        time.Advance(PastTheLongestBackOff);
        await bridge.ReconcileAsync();

        Assert.Equal(["u_alice_0"], bridge.Kibana.State.GetAssignees("default", "alert-1"));
    }

    [Fact]
    public async Task KibanaTimesOut_202ThenApplied()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string>
        {
            ["Kibana:AttemptTimeoutSeconds"] = "1",
            ["Kibana:MaxRetries"] = "0",
            ["Journal:RetryBaseSeconds"] = "1",
        }, time: time);
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        bridge.Kibana.State.Faults.Latency = TimeSpan.FromSeconds(5); // well past the attempt timeout

        using var accepted = await bridge.Client.PostAsJsonAsync(new Uri("/api/assignments", UriKind.Relative), new { alertIds = new[] { "alert-1" }, add = new[] { "u_alice_0" } });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Contains("timed out", await accepted.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        bridge.Kibana.State.Faults.Latency = TimeSpan.Zero;
        time.Advance(PastTheLongestBackOff);
        await bridge.ReconcileAsync();

        Assert.Equal(["u_alice_0"], bridge.Kibana.State.GetAssignees("default", "alert-1"));
    }

    [Fact]
    public async Task ProcessKilledAfterJournalingBeforeKibana_NextProcessCompletesTheDelivery()
    {
        var kibana = new SimulatorOptions();
        kibana.ApiKeys.Add("crash-test-key");
        await using var simulator = await RunningSimulator.StartAsync(kibana);
        simulator.State.SeedAlert("default", "alert-1");
        simulator.State.Faults.Latency = TimeSpan.FromSeconds(60); // the first process will still be waiting on Kibana when it dies
        var suffix = Guid.NewGuid().ToString("n")[..10];
        var settings = new Dictionary<string, string>
        {
            ["Kibana:Url"] = simulator.BaseAddress.ToString(),
            ["Kibana:ApiKey"] = "crash-test-key",
            ["Kibana:MaxRetries"] = "0",
            ["Kibana:AttemptTimeoutSeconds"] = "120",
            ["Kibana:TotalTimeoutSeconds"] = "120",
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["People:TableName"] = "people" + suffix,
            ["Journal:TableName"] = "journal" + suffix,
            ["Journal:ManagedTableName"] = "managed" + suffix,
            ["Journal:ClaimSeconds"] = "2",
            ["Journal:InlineDeadlineSeconds"] = "120",
            ["Reconcile:Enabled"] = "false",
            ["Queue:Name"] = "deliveries" + suffix,
            ["Telemetry:StartupCheck"] = "false", // its probe of the assignees route would be the request in flight
            ["Assignments:Tokens:0"] = "crash-token",
        };

        using (var first = await BridgeProcess.StartAsync(settings))
        {
            var post = first.Client.PostAsJsonAsync(new Uri("/api/assignments", UriKind.Relative), new { alertIds = new[] { "alert-1" }, add = new[] { "u_alice_0" } });
            // Held by the simulator's latency; the journal row was written before the request was sent.
            await simulator.State.WaitForAsync(state => state.InFlight.Any(p => p.EndsWith("/signals/assignees", StringComparison.Ordinal)));
            Assert.Equal(1, await CountAsync(azurite.CreateTableServiceClient().GetTableClient("journal" + suffix)));
            first.Kill();
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => post);
        }

        Assert.Null(simulator.State.GetAssignees("default", "alert-1"));
        simulator.State.Faults.Latency = TimeSpan.Zero;

        // The first process died before it could queue anything: the second one's own timer sweep (every second here)
        // finds the row once the dead process's claim expires, queues it, and its queue poller applies it.
        using var second = await BridgeProcess.StartAsync(new Dictionary<string, string>(settings)
        {
            ["Reconcile:Enabled"] = "true",
            ["Reconcile:Schedule"] = "* * * * * *",
            ["Reconcile:RequeueGraceSeconds"] = "0",
        });
        await second.WaitForLineAsync(line => line.Contains("ended applied (journal written True)", StringComparison.Ordinal)); // event 4001, after the journal holds it

        Assert.Equal(["u_alice_0"], simulator.State.GetAssignees("default", "alert-1"));
        await foreach (var row in azurite.CreateTableServiceClient().GetTableClient("journal" + suffix).QueryAsync<TableEntity>())
        {
            Assert.Equal("applied", row.GetString("Status"));
        }
    }

    [Fact]
    public async Task StorageStoppedThenRestarted_503WhileDownThenAcceptedAgain()
    {
        // An Azurite of this test's own: stopping the shared one would fail the other tests.
        var storage = new AzuriteFixture();
        await storage.InitializeAsync();
        try
        {
            await using var bridge = await BridgeHarness.StartAsync(storage);
            bridge.Kibana.State.SeedAlert("default", "alert-1");
            bridge.Kibana.State.SeedAlert("default", "alert-2");
            using (var before = await PostAsync(bridge.Client, "alert-1", "before"))
            {
                Assert.Equal(HttpStatusCode.OK, before.StatusCode);
            }

            await storage.StopAsync();
            using (var down = await PostAsync(bridge.Client, "alert-2", "during"))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
                Assert.NotNull(down.Headers.RetryAfter);
            }

            Assert.Null(bridge.Kibana.State.GetAssignees("default", "alert-2"));

            // Back, empty (Azurite keeps tables in memory): the bridge creates its tables again and the sender's retry lands.
            await storage.StartAgainAsync();
            using var after = await PostAsync(bridge.Client, "alert-2", "during");

            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
            Assert.Equal(["u_alice_0"], bridge.Kibana.State.GetAssignees("default", "alert-2"));
        }
        finally
        {
            await storage.DisposeAsync();
        }
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string alertId, string deliveryId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/assignments", UriKind.Relative))
        {
            Content = JsonContent.Create(new { alertIds = new[] { alertId }, add = new[] { "u_alice_0" } }),
        };
        request.Headers.Add("Idempotency-Key", deliveryId);
        return client.SendAsync(request);
    }

    private static async Task<int> CountAsync(TableClient table)
    {
        var count = 0;
        try
        {
            await foreach (var row in table.QueryAsync<TableEntity>(select: ["PartitionKey"]))
            {
                count++;
            }
        }
        catch (Azure.RequestFailedException exception) when (exception.Status == 404)
        {
            return 0;
        }

        return count;
    }

    /// <summary>The bridge as its own OS process (the app's own assembly run by dotnet), so that it can really be killed.</summary>
    private sealed class BridgeProcess : IDisposable
    {
        private readonly Process _process;
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines;
        private readonly KibanaSimulator.ChangeSignal _changes;

        private BridgeProcess(Process process, HttpClient client, System.Collections.Concurrent.ConcurrentQueue<string> lines, KibanaSimulator.ChangeSignal changes)
        {
            _process = process;
            Client = client;
            _lines = lines;
            _changes = changes;
        }

        public HttpClient Client { get; }

        public static async Task<BridgeProcess> StartAsync(Dictionary<string, string> settings)
        {
            var port = FreePort();
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add("exec");
            start.ArgumentList.Add(typeof(AssignBridge.Hosting.AssignBridgeApp).Assembly.Location);
            start.ArgumentList.Add($"--urls=http://127.0.0.1:{port}");
            foreach (var (key, value) in settings)
            {
                start.ArgumentList.Add($"--{key}={value}");
            }

            var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
            var changes = new KibanaSimulator.ChangeSignal();
            var process = new Process { StartInfo = start, EnableRaisingEvents = true };
            process.OutputDataReceived += (_, e) => Keep(e.Data);
            process.ErrorDataReceived += (_, e) => Keep(e.Data);
            process.Exited += (_, _) => changes.Changed();
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(150) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", settings["Assignments:Tokens:0"]);
            var bridge = new BridgeProcess(process, client, lines, changes);

            // The host's lifetime logs "Application started" once Kestrel listens.
            await bridge.WaitForLineAsync(line => line.Contains("Application started", StringComparison.Ordinal));
            return bridge;

            void Keep(string? line)
            {
                if (line is not null)
                {
                    lines.Enqueue(line);
                    changes.Changed();
                }
            }
        }

        /// <summary>Completes once the process has written a line that <paramref name="match"/>es; fails if it exits first.</summary>
        public async Task WaitForLineAsync(Func<string, bool> match)
        {
            await _changes.WaitForAsync(() => _process.HasExited || _lines.Any(match));
            Assert.True(_lines.Any(match), "the bridge process exited first:\n" + string.Join("\n", _lines));
        }

        public void Kill()
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                Kill();
            }

            _process.Dispose();
            Client.Dispose();
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}

using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using AssignBridge.IntegrationTests.Infrastructure;
using AssignBridge.People;
using KibanaSimulator;
using Xunit.Abstractions;

namespace AssignBridge.IntegrationTests.Deployment;

/// <summary>
/// The published package treated as the Functions host treats it (functions-custom-handlers.md §1, §3): unzip, start
/// app/AssignBridge with FUNCTIONS_CUSTOMHANDLER_PORT and the app settings in the environment, poll GET / until any
/// answer, forward requests at their public paths, invoke the timer with its JSON payload, stop with SIGTERM.
/// </summary>
[Collection("azurite")]
public sealed class HostContractTests(AzuriteFixture azurite, PublishedPackage package, ITestOutputHelper output)
    : IClassFixture<PublishedPackage>
{
    private const string Token = "host-contract-token";
    private const string KibanaKey = "aG9zdC1jb250cmFjdDprZXk=";

    /// <summary>
    /// How long the test waits for the handler to answer, or to exit after SIGTERM, before failing: generous, so that a
    /// busy machine fails nothing. How long it took is printed, not asserted.
    /// </summary>
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(60);

    [Fact]
    public void Package_Layout_IsWhatHostJsonAndTheManifestsSay()
    {
        using var zip = ZipFile.OpenRead(package.ZipPath);
        var names = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);

        Assert.Contains("host.json", names);
        foreach (var manifest in FunctionManifest.LoadAll())
        {
            Assert.Contains($"{manifest.Name}/function.json", names);
        }

        Assert.DoesNotContain(names, n => n.StartsWith("app/functions/", StringComparison.Ordinal) || n.EndsWith("local.settings.json", StringComparison.Ordinal));
        var executable = zip.GetEntry("app/AssignBridge");
        Assert.NotNull(executable);
        var mode = (UnixFileMode)((executable.ExternalAttributes >> 16) & 0x1FF);
        Assert.True(mode.HasFlag(UnixFileMode.UserExecute) && mode.HasFlag(UnixFileMode.OtherExecute), $"app/AssignBridge has mode {mode}.");
        Assert.Equal(
            File.ReadAllText(Path.Combine(RepositoryPaths.Root, "host.json")),
            File.ReadAllText(Path.Combine(package.Root, "host.json")));
        output.WriteLine($"zip: {new FileInfo(package.ZipPath).Length / 1024.0 / 1024.0:F1} MiB, {zip.Entries.Count} entries" +
            (package.PublishTime is { } t ? $", published in {t.TotalSeconds:F1} s" : ", handed in by scripts/test.sh"));
    }

    [Fact]
    public async Task Package_StartedAsTheHostWould_ReadyFastServesPublicRoutesAndStopsOnSigterm()
    {
        await using var kibana = await RunningSimulator.StartAsync(new SimulatorOptions { ApiKeys = { KibanaKey } });
        kibana.State.SeedAlert("default", "alert-1");
        var table = "people" + Guid.NewGuid().ToString("n")[..12];
        var people = azurite.CreateTableServiceClient().GetTableClient(table);
        await people.CreateIfNotExistsAsync();
        await people.UpsertEntityAsync(new PersonEntity { PartitionKey = "jira", RowKey = RowKeys.Encode("5b10ac8d82e05b22cc7d4ef5"), ExternalId = "5b10ac8d82e05b22cc7d4ef5", KibanaUid = "u_alice_0" });
        var routes = await AppRoutes.PublicAndFunctionRoutesAsync();
        var port = FreePort();

        using var handler = StartHandler(port, new Dictionary<string, string>
        {
            ["Kibana__Url"] = kibana.BaseAddress.ToString(),
            ["Kibana__ApiKey"] = KibanaKey,
            ["Storage__ConnectionString"] = azurite.ConnectionString,
            ["People__TableName"] = table,
            ["Assignments__Tokens__0"] = Token,
            ["Reconcile__Schedule"] = "0 */5 * * * *",
        });
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };

            var ready = await WaitUntilAnsweringAsync(http, handler);
            output.WriteLine($"process start to GET / answering: {ready.TotalMilliseconds:F0} ms");

            using (var health = await http.GetAsync(new Uri("api/health", UriKind.Relative)))
            {
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
                var body = JsonNode.Parse(await health.Content.ReadAsStringAsync())!;
                Assert.Equal("ok", body["checks"]!["kibana"]!["status"]!.GetValue<string>());
                Assert.Equal("ok", body["checks"]!["table"]!["status"]!.GetValue<string>());
            }

            using (var request = new HttpRequestMessage(HttpMethod.Post, "api/assignments"))
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
                // The host forwards its own headers with the request (functions-custom-handlers.md §3b).
                request.Headers.Add("X-Azure-Functions-InvocationId", Guid.NewGuid().ToString());
                request.Content = JsonContent.Create(new { alertIds = new[] { "alert-1" }, add = new[] { "jira:5b10ac8d82e05b22cc7d4ef5" } });
                using var assigned = await http.SendAsync(request);

                Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
                Assert.Equal("applied", JsonNode.Parse(await assigned.Content.ReadAsStringAsync())!["status"]!.GetValue<string>());
                Assert.Equal(["u_alice_0"], kibana.State.GetAssignees("default", "alert-1"));
            }

            using (var unauthorized = await http.PostAsync(new Uri("api/assignments", UriKind.Relative), JsonContent.Create(new { alertIds = new[] { "alert-1" }, add = new[] { "u_x" } })))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
            }

            if (routes.Contains(new AppRoute("POST", "/reconcile")))
            {
                using var invocation = new HttpRequestMessage(HttpMethod.Post, "Reconcile")
                {
                    Content = new StringContent(TimerPayload(), Encoding.UTF8, "application/json"),
                };
                invocation.Headers.Add("X-Azure-Functions-InvocationId", Guid.NewGuid().ToString());
                invocation.Headers.UserAgent.ParseAdd("Azure-Functions-Host/4.1037.0");
                using var reconciled = await http.SendAsync(invocation);

                Assert.True(reconciled.IsSuccessStatusCode, $"POST /Reconcile answered {(int)reconciled.StatusCode}.");
                Assert.Equal("application/json", reconciled.Content.Headers.ContentType?.MediaType);
                Assert.IsType<JsonObject>(JsonNode.Parse(await reconciled.Content.ReadAsStringAsync()));
            }
            else
            {
                output.WriteLine("POST /Reconcile is not mapped yet: timer invocation not sent.");
            }

            var stopped = await StopWithSigtermAsync(handler);
            output.WriteLine($"SIGTERM to exit: {stopped.TotalMilliseconds:F0} ms, exit code {handler.Process.ExitCode}");
            Assert.Equal(0, handler.Process.ExitCode);
        }
        catch
        {
            output.WriteLine("handler output:\n" + handler.Output);
            throw;
        }
        finally
        {
            await people.DeleteAsync();
        }
    }

    /// <summary>The timer invocation body as the host builds it (functions-custom-handlers.md §3a, timer example).</summary>
    private static string TimerPayload()
    {
        var now = DateTimeOffset.UtcNow;
        return new JsonObject
        {
            ["Data"] = new JsonObject
            {
                ["timer"] = new JsonObject
                {
                    ["Schedule"] = new JsonObject { ["AdjustForDST"] = true },
                    ["ScheduleStatus"] = new JsonObject { ["Last"] = now.AddMinutes(-5).ToString("O"), ["Next"] = now.AddMinutes(5).ToString("O"), ["LastUpdated"] = now.AddMinutes(-5).ToString("O") },
                    ["IsPastDue"] = false,
                },
            },
            ["Metadata"] = new JsonObject
            {
                ["sys"] = new JsonObject { ["MethodName"] = "Reconcile", ["UtcNow"] = now.ToString("O"), ["RandGuid"] = Guid.NewGuid().ToString() },
            },
        }.ToJsonString();
    }

    private RunningHandler StartHandler(int port, IReadOnlyDictionary<string, string> settings)
    {
        var start = new ProcessStartInfo(package.Executable)
        {
            // host.json: "workingDirectory": "app".
            WorkingDirectory = Path.Combine(package.Root, "app"),
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var inherited in new[] { "ASPNETCORE_URLS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "WEBSITE_SITE_NAME", "KeyVault__Uri" })
        {
            start.Environment.Remove(inherited);
        }

        start.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["FUNCTIONS_APP_ROOT_PATH"] = package.Root;
        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }

        return RunningHandler.Start(start);
    }

    private static async Task<TimeSpan> WaitUntilAnsweringAsync(HttpClient http, RunningHandler handler)
    {
        // Like the host: any HTTP answer counts; only connection failures mean "not yet". It polls every 25 ms.
        using var timeout = new CancellationTokenSource(s_patience);
        while (true)
        {
            Assert.False(handler.Process.HasExited, $"The handler exited with {(handler.Process.HasExited ? handler.Process.ExitCode : 0)} before answering.\n{handler.Output}");
            try
            {
                using var answer = await http.GetAsync(new Uri("/", UriKind.Relative), timeout.Token);
                var elapsed = handler.SinceStart;
                Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
                return elapsed;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(25, timeout.Token);
            }
        }
    }

    private static async Task<TimeSpan> StopWithSigtermAsync(RunningHandler handler)
    {
        var watch = Stopwatch.StartNew();
        var (exitCode, killOutput) = await PublishedPackage.RunAsync("kill", ["-TERM", handler.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5));
        Assert.True(exitCode == 0, killOutput);
        using var timeout = new CancellationTokenSource(s_patience);
        await handler.Process.WaitForExitAsync(timeout.Token);
        return watch.Elapsed;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The handler process with its output kept for failure messages; disposing kills it if it still runs.</summary>
    private sealed class RunningHandler : IDisposable
    {
        private readonly StringBuilder _output = new();
        private readonly Stopwatch _sinceStart;

        private RunningHandler(Process process, Stopwatch sinceStart)
        {
            Process = process;
            _sinceStart = sinceStart;
        }

        public Process Process { get; }

        public TimeSpan SinceStart => _sinceStart.Elapsed;

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public static RunningHandler Start(ProcessStartInfo start)
        {
            var process = new Process { StartInfo = start };
            var handler = new RunningHandler(process, new Stopwatch());
            process.OutputDataReceived += (_, e) => handler.Append(e.Data);
            process.ErrorDataReceived += (_, e) => handler.Append(e.Data);
            handler._sinceStart.Start();
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return handler;
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit(5_000);
            }

            Process.Dispose();
        }

        private void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}

using System.Diagnostics;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Net;
using System.Text.Json.Nodes;
using System.Text;
using AssignBridge.IntegrationTests.Infrastructure;
using AssignBridge.People;
using AssignBridge.Platform.Storage;
using KibanaSimulator;
using Xunit.Abstractions;

namespace AssignBridge.IntegrationTests.Deployment;

/// <summary>
/// The published package: laid out as the Functions host reads an isolated-worker app (functions-isolated-worker.md
/// "Packages and build"), ReadyToRun, and runnable on its own: started standalone from the unzipped folder with the
/// app settings in the environment, it serves the public routes and stops on SIGTERM. (Under the host the same
/// assembly is started with --functions-uri; that run needs the host itself.)
/// </summary>
[Collection("azurite")]
public sealed class PackageTests(AzuriteFixture azurite, PublishedPackage package, ITestOutputHelper output)
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
    public void Package_Layout_IsAnIsolatedWorkerAppReadyToRun()
    {
        using var zip = ZipFile.OpenRead(package.ZipPath);
        var names = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);

        foreach (var required in new[] { "host.json", "functions.metadata", "worker.config.json", "extensions.json", "AssignBridge.dll", "appsettings.json" })
        {
            Assert.Contains(required, names);
        }

        Assert.Contains(names, n => n.StartsWith(".azurefunctions/", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n.EndsWith("local.settings.json", StringComparison.Ordinal) || n.EndsWith("function.json", StringComparison.Ordinal) || n.StartsWith("app/", StringComparison.Ordinal));
        Assert.Equal(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "host.json")), File.ReadAllText(Path.Combine(package.Root, "host.json")));

        // The host starts "dotnet AssignBridge.dll" (worker.config.json) with the functions the build listed.
        var worker = JsonNode.Parse(File.ReadAllText(Path.Combine(package.Root, "worker.config.json")))!["description"]!;
        Assert.Equal("dotnet", worker["defaultExecutablePath"]!.GetValue<string>());
        Assert.Equal("AssignBridge.dll", worker["defaultWorkerPath"]!.GetValue<string>());
        Assert.Equal(
            FunctionsMetadata.Load().Select(f => f.Name).Order(StringComparer.Ordinal),
            FunctionsMetadata.Load(Path.Combine(package.Root, "functions.metadata")).Select(f => f.Name).Order(StringComparer.Ordinal));

        // ReadyToRun: the assembly carries precompiled code (a managed native header), so a cold start JITs less.
        using var pe = new System.Reflection.PortableExecutable.PEReader(File.OpenRead(package.Assembly));
        Assert.True(pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0, "AssignBridge.dll is not ReadyToRun.");
        output.WriteLine($"zip: {new FileInfo(package.ZipPath).Length / 1024.0 / 1024.0:F1} MiB, {zip.Entries.Count} entries" +
            (package.PublishTime is { } t ? $", published in {t.TotalSeconds:F1} s" : ", handed in by scripts/test.sh"));
    }

    [Fact]
    public async Task Package_StartedStandalone_ServesPublicRoutesAndStopsOnSigterm()
    {
        await using var kibana = await RunningSimulator.StartAsync(new SimulatorOptions { ApiKeys = { KibanaKey } });
        kibana.State.SeedAlert("default", "alert-1");
        var table = "people" + Guid.NewGuid().ToString("n")[..12];
        var people = azurite.CreateTableServiceClient().GetTableClient(table);
        await people.CreateIfNotExistsAsync();
        await people.UpsertEntityAsync(new PersonEntity { PartitionKey = "jira", RowKey = RowKeys.Encode("5b10ac8d82e05b22cc7d4ef5"), ExternalId = "5b10ac8d82e05b22cc7d4ef5", KibanaUid = "u_alice_0" });
        var port = FreePort();

        using var handler = StartHandler(port, new Dictionary<string, string>
        {
            ["Kibana__Url"] = kibana.BaseAddress.ToString(),
            ["Kibana__ApiKey"] = KibanaKey,
            ["Storage__ConnectionString"] = azurite.ConnectionString,
            ["People__TableName"] = table,
            ["Assignments__Tokens__0"] = Token,
            ["Reconcile__Schedule"] = "0 */5 * * * *",
            ["Queue__Name"] = "deliveries" + table["people".Length..],
        });
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };

            var ready = await WaitUntilAnsweringAsync(http, handler);
            output.WriteLine($"process start to GET /api/health answering: {ready.TotalMilliseconds:F0} ms");

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

    private RunningHandler StartHandler(int port, IReadOnlyDictionary<string, string> settings)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { package.Assembly, $"--urls=http://127.0.0.1:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}" },
            WorkingDirectory = package.Root,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var inherited in new[] { "ASPNETCORE_URLS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "WEBSITE_SITE_NAME", "KeyVault__Uri" })
        {
            start.Environment.Remove(inherited);
        }

        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }

        return RunningHandler.Start(start);
    }

    private static async Task<TimeSpan> WaitUntilAnsweringAsync(HttpClient http, RunningHandler handler)
    {
        // Any HTTP answer counts; only connection failures mean "not yet". It polls every 25 ms.
        using var timeout = new CancellationTokenSource(s_patience);
        while (true)
        {
            Assert.False(handler.Process.HasExited, $"The handler exited with {(handler.Process.HasExited ? handler.Process.ExitCode : 0)} before answering.\n{handler.Output}");
            try
            {
                using var answer = await http.GetAsync(new Uri("api/health", UriKind.Relative), timeout.Token);
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

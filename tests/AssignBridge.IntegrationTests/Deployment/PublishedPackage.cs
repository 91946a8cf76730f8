using System.Diagnostics;
using System.IO.Compression;
using AssignBridge.IntegrationTests.Infrastructure;

namespace AssignBridge.IntegrationTests.Deployment;

/// <summary>
/// The deployable zip, unpacked into a temporary folder as the Functions host sees it. scripts/test.sh publishes once
/// and passes the zip in <see cref="PackageVariable"/>; without it (an IDE run) the fixture runs scripts/publish.sh itself.
/// </summary>
public sealed class PublishedPackage : IAsyncLifetime
{
    public const string PackageVariable = "ASSIGNBRIDGE_TEST_PACKAGE";

    private string? _scratch;

    public string ZipPath { get; private set; } = string.Empty;

    public string Root { get; private set; } = string.Empty;

    /// <summary>How long scripts/publish.sh took, or null when the zip was handed in.</summary>
    public TimeSpan? PublishTime { get; private set; }

    /// <summary>The worker assembly, started with <c>dotnet</c> (worker.config.json says so to the host).</summary>
    public string Assembly => Path.Combine(Root, "AssignBridge.dll");

    public async Task InitializeAsync()
    {
        _scratch = Path.Combine(Path.GetTempPath(), "assignbridge-package-" + Guid.NewGuid().ToString("n")[..12]);
        Directory.CreateDirectory(_scratch);

        var given = Environment.GetEnvironmentVariable(PackageVariable);
        if (!string.IsNullOrWhiteSpace(given) && File.Exists(given))
        {
            ZipPath = given;
        }
        else
        {
            ZipPath = Path.Combine(_scratch, "assignbridge.zip");
            var watch = Stopwatch.StartNew();
            var (exitCode, output) = await RunAsync("bash", [Path.Combine(RepositoryPaths.Root, "scripts", "publish.sh"), ZipPath], TimeSpan.FromMinutes(8));
            PublishTime = watch.Elapsed;
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"scripts/publish.sh failed with exit code {exitCode}:\n{output}");
            }
        }

        Root = Path.Combine(_scratch, "wwwroot");
        ZipFile.ExtractToDirectory(ZipPath, Root);
    }

    public Task DisposeAsync()
    {
        if (_scratch is not null && Directory.Exists(_scratch))
        {
            Directory.Delete(_scratch, recursive: true);
        }

        return Task.CompletedTask;
    }

    /// <summary>Runs a command to completion and returns its exit code with stdout and stderr interleaved.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryPaths.Root,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var output = new System.Text.StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{fileName} {string.Join(' ', arguments)}' did not finish within {timeout}.\n{Snapshot(output)}");
        }

        // WaitForExitAsync returns after the output streams closed, so the buffer is complete.
        return (process.ExitCode, Snapshot(output));
    }

    private static void Append(System.Text.StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Snapshot(System.Text.StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}

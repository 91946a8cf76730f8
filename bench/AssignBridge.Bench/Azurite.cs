using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Azure.Data.Tables;

namespace AssignBridge.Bench;

/// <summary>
/// A private, in-memory Azurite on OS-chosen loopback ports (the minimal part of the integration tests' AzuriteFixture).
/// Uses the shared install under tools/node_modules and never installs it.
/// </summary>
internal sealed partial class Azurite : IAsyncDisposable
{
    // The emulator's well-known development account (published by Microsoft; not a secret).
    private const string AccountName = "devstoreaccount1";
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;
    private readonly string _workDirectory;

    private Azurite(Process process, string workDirectory, string connectionString)
    {
        _process = process;
        _workDirectory = workDirectory;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public int ProcessId => _process.Id;

    /// <param name="debugLog">Where Azurite writes its debug log (every request it receives); none when null.</param>
    public static async Task<Azurite> StartAsync(string repositoryRoot, string? debugLog = null)
    {
        var executable = Path.Combine(repositoryRoot, "tools", "node_modules", ".bin", "azurite");
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"Azurite is not installed at '{executable}'. The bench never installs it; see scripts/test.sh.");
        }

        var workDirectory = Directory.CreateTempSubdirectory("assignbridge-bench-azurite-").FullName;
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--silent", "--inMemoryPersistence", "--skipApiVersionCheck", "--disableProductStyleUrl", "--disableTelemetry",
            "--blobHost", "127.0.0.1", "--blobPort", "0", "--queueHost", "127.0.0.1", "--queuePort", "0",
            "--tableHost", "127.0.0.1", "--tablePort", "0",
        })
        {
            start.ArgumentList.Add(argument);
        }

        if (debugLog is not null)
        {
            start.ArgumentList.Add("--debug");
            start.ArgumentList.Add(debugLog);
        }

        var ports = new Dictionary<string, int>(StringComparer.Ordinal);
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start };
        void OnLine(string? line)
        {
            if (line is not null && ListeningLine().Match(line) is { Success: true } match)
            {
                lock (ports)
                {
                    ports[match.Groups["service"].Value] = int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture);
                    if (ports.Count == 3)
                    {
                        listening.TrySetResult();
                    }
                }
            }
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await listening.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var connection = string.Join(';',
            "DefaultEndpointsProtocol=http", $"AccountName={AccountName}", $"AccountKey={AccountKey}",
            string.Create(CultureInfo.InvariantCulture, $"BlobEndpoint=http://127.0.0.1:{ports["Blob"]}/{AccountName}"),
            string.Create(CultureInfo.InvariantCulture, $"QueueEndpoint=http://127.0.0.1:{ports["Queue"]}/{AccountName}"),
            string.Create(CultureInfo.InvariantCulture, $"TableEndpoint=http://127.0.0.1:{ports["Table"]}/{AccountName}")) + ";";
        var azurite = new Azurite(process, workDirectory, connection);

        // A bound port is not yet a serving one.
        var tables = new TableServiceClient(connection);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await foreach (var _ in tables.QueryAsync(maxPerPage: 1).AsPages())
                {
                    break;
                }

                return azurite;
            }
            catch (Exception exception) when (exception is Azure.RequestFailedException or HttpRequestException && attempt < 100)
            {
                await Task.Delay(100);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_workDirectory, recursive: true);
    }

    [GeneratedRegex(@"Azurite (?<service>Blob|Queue|Table) service is successfully listening at https?://[^\s:]+:(?<port>\d+)")]
    private static partial Regex ListeningLine();
}

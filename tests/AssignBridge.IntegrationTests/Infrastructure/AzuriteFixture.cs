using System.Diagnostics.CodeAnalysis;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using System.Text;
using Azure.Data.Tables;
using Azure;

namespace AssignBridge.IntegrationTests.Infrastructure;

/// <summary>
/// Runs a private Azurite (blob, queue and table) for the tests that share it, so they exercise the real
/// <c>Azure.Data.Tables</c> client against real storage semantics. Set <see cref="ExternalStorageVariable"/>
/// to a connection string to use storage you started yourself instead.
/// </summary>
public sealed partial class AzuriteFixture : IAsyncLifetime, IDisposable
{
    /// <summary>Environment variable holding a storage connection string to use instead of starting Azurite.</summary>
    public const string ExternalStorageVariable = "ASSIGNBRIDGE_TEST_STORAGE";

    /// <summary>The emulator's well-known development account (published by Microsoft; not a secret).</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>The emulator's well-known development account key (published by Microsoft; not a secret).</summary>
    public const string AccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan s_startupTimeout = TimeSpan.FromSeconds(30);

    private readonly object _outputLock = new();
    private readonly StringBuilder _output = new();
    private readonly Dictionary<string, int> _ports = new(StringComparer.Ordinal);
    private TaskCompletionSource _allListening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Process? _process;
    private string? _workDirectory;

    /// <summary>Connection string with explicit blob, queue and table endpoints.</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>True when <see cref="ExternalStorageVariable"/> supplied the storage and no Azurite was started.</summary>
    public bool IsExternal { get; private set; }

    /// <summary>A table client over this fixture's storage. Callers should use table names unique to their test.</summary>
    public TableServiceClient CreateTableServiceClient() => new(ConnectionString);

    public async Task InitializeAsync()
    {
        var external = Environment.GetEnvironmentVariable(ExternalStorageVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            ConnectionString = external;
            IsExternal = true;
            return;
        }

        using var timeout = new CancellationTokenSource(s_startupTimeout);
        StartAzurite();
        await WaitForPortsAsync(timeout.Token);
        ConnectionString = BuildConnectionString(_ports["Blob"], _ports["Queue"], _ports["Table"]);
        await WaitForTableServiceAsync(timeout.Token);
    }

    /// <summary>Stops Azurite, as a storage outage would; its in-memory data is gone. Only for a fixture of its own, never the shared one.</summary>
    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            StopProcess(process);
            await process.WaitForExitAsync();
            process.Dispose();
            _process = null;
        }
    }

    /// <summary>Starts Azurite again on the same ports, so that clients built from <see cref="ConnectionString"/> reach it again.</summary>
    public async Task StartAgainAsync()
    {
        var ports = new Dictionary<string, int>(_ports);
        lock (_outputLock)
        {
            _ports.Clear();
            _allListening = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        using var timeout = new CancellationTokenSource(s_startupTimeout);
        StartAzurite(ports);
        await WaitForPortsAsync(timeout.Token);
        await WaitForTableServiceAsync(timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (_process is { } process)
        {
            StopProcess(process);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                // The kill was sent; a process that is slow to be reaped must not fail the test run.
            }
        }

        Dispose();
    }

    public void Dispose()
    {
        if (_process is { } process)
        {
            StopProcess(process);
            process.Dispose();
            _process = null;
        }

        if (_workDirectory is { } directory && Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
            _workDirectory = null;
        }
    }

    private void StartAzurite(Dictionary<string, int>? ports = null)
    {
        var executable = Path.Combine(
            RepositoryPaths.Root, "tools", "node_modules", ".bin", OperatingSystem.IsWindows() ? "azurite.cmd" : "azurite");
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException(
                $"Azurite is not installed: '{executable}' does not exist. Run `npm ci --prefix tools` from the repository root " +
                $"(scripts/test.sh does this for you), or set {ExternalStorageVariable} to a storage connection string.");
        }

        // Azurite refuses --location together with --inMemoryPersistence, and falls back to its working directory
        // for anything it writes; a private temporary working directory keeps runs apart and the repository clean.
        _workDirectory = Directory.CreateTempSubdirectory("assignbridge-azurite-").FullName;

        var startInfo = new ProcessStartInfo(executable)
        {
            WorkingDirectory = _workDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        string Port(string service) => ports?.TryGetValue(service, out var port) == true ? port.ToString(CultureInfo.InvariantCulture) : "0";

        // Port 0 lets the OS choose free ports at bind time, so parallel runs cannot race for a port;
        // Azurite prints the ports it actually bound, which WaitForPortsAsync reads.
        foreach (var argument in new[]
        {
            "--silent", "--inMemoryPersistence", "--skipApiVersionCheck", "--disableProductStyleUrl", "--disableTelemetry",
            "--blobHost", "127.0.0.1", "--blobPort", Port("Blob"),
            "--queueHost", "127.0.0.1", "--queuePort", Port("Queue"),
            "--tableHost", "127.0.0.1", "--tablePort", Port("Table"),
        })
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var listening = _allListening;
        process.OutputDataReceived += (_, e) => OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) => OnOutput(e.Data);
        process.Exited += (_, _) => listening.TrySetException(
            new InvalidOperationException($"Azurite exited before it was ready.{Environment.NewLine}{CapturedOutput()}"));

        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            process.Dispose();
            throw new InvalidOperationException(
                $"Could not start '{executable}' (is node on PATH?). Run `npm ci --prefix tools` from the repository root.", exception);
        }

        _process = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_outputLock)
        {
            _output.AppendLine(line);
            var match = ListeningLine().Match(line);
            if (match.Success)
            {
                _ports[match.Groups["service"].Value] = int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture);
                if (_ports.Count == 3)
                {
                    _allListening.TrySetResult();
                }
            }
        }
    }

    private async Task WaitForPortsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _allListening.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"Azurite did not report its blob, queue and table ports within {s_startupTimeout.TotalSeconds:0} s.{Environment.NewLine}{CapturedOutput()}");
        }
    }

    private async Task WaitForTableServiceAsync(CancellationToken cancellationToken)
    {
        // A bound port is not yet a serving one: wait until a real list-tables round trip succeeds.
        var options = new TableClientOptions();
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
        var client = new TableServiceClient(ConnectionString, options);
        Exception? lastError = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var _ in client.QueryAsync(maxPerPage: 1, cancellationToken: cancellationToken).AsPages())
                {
                    break;
                }

                return;
            }
            catch (Exception exception) when (exception is RequestFailedException or HttpRequestException or IOException
                                                  && !cancellationToken.IsCancellationRequested)
            {
                lastError = exception;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        throw new TimeoutException(
            $"Azurite's table endpoint did not answer a list-tables request within {s_startupTimeout.TotalSeconds:0} s " +
            $"(last error: {lastError?.Message ?? "none"}).{Environment.NewLine}{CapturedOutput()}", lastError);
    }

    private string CapturedOutput()
    {
        lock (_outputLock)
        {
            return _output.Length == 0 ? "(Azurite printed nothing)" : "Azurite output:" + Environment.NewLine + _output;
        }
    }

    private static void StopProcess(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
    }

    private static string BuildConnectionString(int blobPort, int queuePort, int tablePort) => string.Join(';',
        "DefaultEndpointsProtocol=http",
        $"AccountName={AccountName}",
        $"AccountKey={AccountKey}",
        string.Create(CultureInfo.InvariantCulture, $"BlobEndpoint=http://127.0.0.1:{blobPort}/{AccountName}"),
        string.Create(CultureInfo.InvariantCulture, $"QueueEndpoint=http://127.0.0.1:{queuePort}/{AccountName}"),
        string.Create(CultureInfo.InvariantCulture, $"TableEndpoint=http://127.0.0.1:{tablePort}/{AccountName}")) + ";";

    [GeneratedRegex(@"Azurite (?<service>Blob|Queue|Table) service is successfully listening at https?://[^\s:]+:(?<port>\d+)")]
    private static partial Regex ListeningLine();
}

/// <summary>Test classes marked <c>[Collection("azurite")]</c> share one Azurite for the whole run.</summary>
[CollectionDefinition("azurite")]
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "xunit's convention names collection definitions ...Collection.")]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>;

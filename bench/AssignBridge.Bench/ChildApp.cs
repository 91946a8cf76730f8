using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AssignBridge.Bench;

/// <summary>
/// A published package started standalone (no Functions host): the executable at the package's root, in its folder,
/// listening on <c>--urls=http://127.0.0.1:&lt;free port&gt;</c>, with the app settings in the environment. Disposing kills it.
/// </summary>
internal sealed class ChildApp : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Stopwatch _sinceStart;
    private readonly StringBuilder _output = new();

    private ChildApp(Process process, Stopwatch sinceStart, Uri address)
    {
        _process = process;
        _sinceStart = sinceStart;
        Address = address;
    }

    public Uri Address { get; }

    public int ProcessId => _process.Id;

    public TimeSpan SinceStart => _sinceStart.Elapsed;

    /// <summary>The path polled for readiness: the bridge's health route (any answer counts); the empty app maps the same path.</summary>
    public const string ReadinessPath = "/api/health";

    public static ChildApp Start(string executable, IReadOnlyDictionary<string, string> environment)
    {
        if (!File.Exists(executable))
        {
            throw new FileNotFoundException($"No executable at '{executable}': scripts/bench.sh publishes each package with the executable at its root (run it without --no-publish).", executable);
        }

        var port = FreePort();
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = Path.GetDirectoryName(executable)!,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // The command line wins over the environment anyway; an inherited URL setting is removed so that nothing else listens.
        foreach (var inherited in new[] { "ASPNETCORE_URLS", "DOTNET_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "KeyVault__Uri" })
        {
            start.Environment.Remove(inherited);
        }

        start.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"--urls=http://127.0.0.1:{port}"));
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        var watch = Stopwatch.StartNew();
        process.Start();
        var app = new ChildApp(process, watch, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => app.Append(e.Data);
        process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return app;
    }

    /// <summary>Polls <c>GET /api/health</c> until it answers (any status counts) and returns the time since the process started.</summary>
    public async Task<TimeSpan> WaitUntilAnsweringAsync(HttpClient http)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{_process.StartInfo.FileName} exited with {_process.ExitCode} before answering:\n{Output}");
            }

            try
            {
                using var answer = await http.GetAsync(new Uri(Address, ReadinessPath), timeout.Token);
                return SinceStart;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(2, timeout.Token);
            }
        }
    }

    /// <summary>Peak resident set size (VmHWM) in MiB since start or the last <see cref="ResetPeakRss"/>.</summary>
    public double PeakRssMiB() => ReadStatusKiB("VmHWM:") / 1024.0;

    public double RssMiB() => ReadStatusKiB("VmRSS:") / 1024.0;

    /// <summary>Writing 5 to clear_refs resets the peak RSS to the current RSS (proc(5)), so each phase has its own peak.</summary>
    public void ResetPeakRss() => File.WriteAllText($"/proc/{_process.Id}/clear_refs", "5");

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

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private long ReadStatusKiB(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"/proc/{_process.Id}/status has no {field}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length < 64 * 1024)
            {
                _output.AppendLine(line);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AssignBridge.Bench;

/// <summary>
/// A published app started the way the Functions host starts a custom handler: the executable in its folder, with
/// FUNCTIONS_CUSTOMHANDLER_PORT and the app settings in the environment. Disposing kills it.
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

    public static ChildApp Start(string executable, IReadOnlyDictionary<string, string> environment)
    {
        var port = FreePort();
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = Path.GetDirectoryName(executable)!,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var inherited in new[] { "ASPNETCORE_URLS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "KeyVault__Uri" })
        {
            start.Environment.Remove(inherited);
        }

        start.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(CultureInfo.InvariantCulture);
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

    /// <summary>Polls <c>GET /</c> like the Functions host (any answer counts) and returns the time since the process started.</summary>
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
                using var answer = await http.GetAsync(new Uri(Address, "/"), timeout.Token);
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

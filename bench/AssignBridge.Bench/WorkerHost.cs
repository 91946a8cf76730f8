using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using AssignBridge.Bench.Rpc;
using Grpc.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace AssignBridge.Bench;

/// <summary>
/// A stand-in for the Azure Functions host, as far as starting an isolated worker and sending it one HTTP invocation
/// goes (functions-isolated-worker.md "How the host starts the worker"): a gRPC server for the host's FunctionRpc
/// event stream on loopback, the worker started with the host's command line and environment, then the host's
/// start-up exchange (WorkerInitRequest, FunctionsMetadataRequest, a FunctionLoadRequest per function) and, for an
/// HTTP function, the InvocationRequest together with the request forwarded to the worker's own Kestrel (the URI the
/// worker reports as its "HttpUri" capability, with the invocation id in <c>x-ms-invocation-id</c>), as the host does
/// for the ASP.NET Core integration. No host process, no extension loading, no key check, no listeners: what it
/// measures is the worker's own start.
/// </summary>
internal sealed class WorkerHost : IAsyncDisposable
{
    private readonly WebApplication _server;
    private readonly WorkerStreams _streams;

    private WorkerHost(WebApplication server, WorkerStreams streams, Uri address)
    {
        _server = server;
        _streams = streams;
        Address = address;
    }

    /// <summary>The gRPC endpoint the workers are given (<c>--functions-uri</c>).</summary>
    public Uri Address { get; }

    public static async Task<WorkerHost> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // The worker's gRPC client speaks HTTP/2 without TLS (prior knowledge), so the endpoint is HTTP/2 only.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = null;
            grpc.MaxSendMessageSize = null;
        });
        var streams = new WorkerStreams();
        builder.Services.AddSingleton(streams);
        var server = builder.Build();
        server.MapGrpcService<FunctionRpcService>();
        await server.StartAsync();
        var address = server.Urls.Single();
        return new WorkerHost(server, streams, new Uri(address.EndsWith('/') ? address : address + "/"));
    }

    /// <summary>
    /// Starts the worker at <paramref name="executable"/> (a package's apphost; the host runs <c>dotnet &lt;app&gt;.dll</c>,
    /// the same runtime start for a self-contained package) as the host would: its command line, the package folder as
    /// working directory and <c>FUNCTIONS_WORKER_DIRECTORY</c>/<c>FUNCTIONS_APPLICATION_DIRECTORY</c>, plus the app settings.
    /// </summary>
    public StartedWorker Start(string executable, IReadOnlyDictionary<string, string> settings)
    {
        if (!File.Exists(executable))
        {
            throw new FileNotFoundException($"No executable at '{executable}': scripts/bench.sh publishes each package with the executable at its root (run it without --no-publish).", executable);
        }

        var directory = Path.GetDirectoryName(executable)!;
        var workerId = Guid.NewGuid().ToString();
        var requestId = Guid.NewGuid().ToString();
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = directory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var inherited in new[] { "ASPNETCORE_URLS", "DOTNET_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "KeyVault__Uri" })
        {
            start.Environment.Remove(inherited);
        }

        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }

        // What the host adds (FUNCTIONS_*_DIRECTORY) and what it has in its own environment, inherited (the runtime).
        start.Environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        start.Environment["FUNCTIONS_APPLICATION_DIRECTORY"] = directory;
        start.Environment["FUNCTIONS_WORKER_DIRECTORY"] = directory;
        var host = Address.Host;
        var port = Address.Port.ToString(CultureInfo.InvariantCulture);
        const string maxMessage = "2147483647";
        foreach (var argument in new[]
        {
            "--host", host, "--port", port, "--workerId", workerId, "--requestId", requestId, "--grpcMaxMessageLength", maxMessage,
            "--functions-uri", Address.ToString(), "--functions-worker-id", workerId, "--functions-request-id", requestId,
            "--functions-grpc-max-message-length", maxMessage,
        })
        {
            start.ArgumentList.Add(argument);
        }

        var connected = _streams.Expect(workerId);
        var process = new Process { StartInfo = start };
        var watch = Stopwatch.StartNew();
        process.Start();
        var worker = new StartedWorker(process, watch, directory, connected);
        process.OutputDataReceived += (_, e) => worker.Append(e.Data);
        process.ErrorDataReceived += (_, e) => worker.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync();
        await _server.DisposeAsync();
    }
}

/// <summary>One worker process started by <see cref="WorkerHost"/>, and the host's side of its conversation. Disposing kills it.</summary>
internal sealed class StartedWorker : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Stopwatch _sinceStart;
    private readonly string _directory;
    private readonly Task<WorkerStream> _connected;
    private readonly StringBuilder _output = new();
    private readonly List<RpcFunctionMetadata> _functions = [];
    private WorkerStream? _stream;

    public StartedWorker(Process process, Stopwatch sinceStart, string directory, Task<WorkerStream> connected)
    {
        _process = process;
        _sinceStart = sinceStart;
        _directory = directory;
        _connected = connected;
    }

    public TimeSpan SinceStart => _sinceStart.Elapsed;

    /// <summary>The worker's Kestrel, as it reported it (the "HttpUri" capability of its WorkerInitResponse).</summary>
    public Uri? HttpUri { get; private set; }

    /// <summary>
    /// The host's start-up exchange: waits for the worker's StartStream, sends WorkerInitRequest (with the
    /// capabilities the host announces), asks for the function metadata (worker indexing) and loads every function.
    /// Returns the time since the process started when the last function was loaded.
    /// </summary>
    public async Task<TimeSpan> InitialiseAsync(CancellationToken cancellationToken)
    {
        var exited = _process.WaitForExitAsync(cancellationToken);
        if (await Task.WhenAny(_connected, exited) != _connected)
        {
            throw Failure("exited before opening the event stream");
        }

        _stream = await _connected;
        var init = new WorkerInitRequest { HostVersion = "4.1037.0", WorkerDirectory = _directory, FunctionAppDirectory = _directory };
        foreach (var capability in new[] { "RawHttpBodyBytes", "RpcHttpBodyOnly", "RpcHttpTriggerMetadataRemoved", "TypedDataCollection", "UseNullableValueDictionaryForHttp", "HandlesWorkerTerminateMessage", "IncludeEmptyEntriesInMessagePayload" })
        {
            init.Capabilities[capability] = bool.TrueString;
        }

        await _stream.SendAsync(new StreamingMessage { RequestId = Guid.NewGuid().ToString(), WorkerInitRequest = init }, cancellationToken);
        var initialised = await _stream.ReceiveAsync(m => m.WorkerInitResponse, cancellationToken);
        Check(initialised.Result, "WorkerInitResponse");
        HttpUri = initialised.Capabilities.TryGetValue("HttpUri", out var uri) ? new Uri(uri) : null;

        await _stream.SendAsync(new StreamingMessage { RequestId = Guid.NewGuid().ToString(), FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = _directory } }, cancellationToken);
        var metadata = await _stream.ReceiveAsync(m => m.FunctionMetadataResponse, cancellationToken);
        Check(metadata.Result, "FunctionMetadataResponse");
        if (metadata.UseDefaultMetadataIndexing)
        {
            throw Failure("asked for host indexing (functions.metadata), which the stand-in host does not do");
        }

        var pending = new HashSet<string>(StringComparer.Ordinal);
        foreach (var function in metadata.FunctionMetadataResults)
        {
            if (function.FunctionId.Length == 0)
            {
                function.FunctionId = Guid.NewGuid().ToString();
            }

            // The host turns the raw bindings (function.json shape) into BindingInfo for the load request.
            if (function.Bindings.Count == 0)
            {
                AddBindings(function);
            }

            _functions.Add(function);
            pending.Add(function.FunctionId);
            await _stream.SendAsync(new StreamingMessage { RequestId = Guid.NewGuid().ToString(), FunctionLoadRequest = new FunctionLoadRequest { FunctionId = function.FunctionId, Metadata = function } }, cancellationToken);
        }

        while (pending.Count > 0)
        {
            var loaded = await _stream.ReceiveAsync(m => m.FunctionLoadResponse, cancellationToken);
            Check(loaded.Result, $"FunctionLoadResponse for {_functions.FirstOrDefault(f => f.FunctionId == loaded.FunctionId)?.Name ?? loaded.FunctionId}");
            pending.Remove(loaded.FunctionId);
        }

        if (HttpUri is null)
        {
            throw Failure("reported no HttpUri capability (is the ASP.NET Core integration configured?)");
        }

        return SinceStart;
    }

    /// <summary>
    /// Invokes the HTTP function <paramref name="functionName"/> as the host does with the ASP.NET Core integration:
    /// the InvocationRequest on the event stream and, at once, the request (built by <paramref name="send"/> with an
    /// HTTP client that carries the invocation id and addresses the worker's Kestrel). Returns what <paramref name="send"/>
    /// returned once the worker has also answered the invocation.
    /// </summary>
    public async Task<T> InvokeHttpAsync<T>(string functionName, HttpMethod method, string path, Func<HttpClient, Uri, Task<T>> send, CancellationToken cancellationToken)
    {
        var stream = _stream ?? throw new InvalidOperationException("InitialiseAsync first.");
        var function = _functions.SingleOrDefault(f => f.Name == functionName) ?? throw Failure($"has no function {functionName} (it has {string.Join(", ", _functions.Select(f => f.Name))})");
        var trigger = function.Bindings.FirstOrDefault(b => b.Value.Type.Equals("httpTrigger", StringComparison.OrdinalIgnoreCase)).Key
            ?? throw Failure($"{functionName} has no httpTrigger binding");
        var invocationId = Guid.NewGuid().ToString();
        var url = new Uri(HttpUri!, path);
        // The host always sends its activity's trace context and a retry context; the worker reads both.
        var invocation = new InvocationRequest
        {
            InvocationId = invocationId,
            FunctionId = function.FunctionId,
            TraceContext = new RpcTraceContext { TraceParent = $"00-{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())}-{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..8])}-01" },
            RetryContext = new RetryContext(),
        };
        // With the ASP.NET Core integration the request itself arrives through Kestrel; the trigger's data only names it.
        invocation.InputData.Add(new ParameterBinding { Name = trigger, Data = new TypedData { Http = new RpcHttp { Method = method.Method, Url = url.ToString() } } });
        await stream.SendAsync(new StreamingMessage { RequestId = Guid.NewGuid().ToString(), InvocationRequest = invocation }, cancellationToken);

        using var http = new HttpClient(new ConnectRetryHandler { InnerHandler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) } }) { Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Add("x-ms-invocation-id", invocationId);
        var answered = send(http, HttpUri!);
        var invoked = await stream.ReceiveAsync(m => m.InvocationResponse is { } r && r.InvocationId == invocationId ? r : null, cancellationToken);
        var result = await answered;
        Check(invoked.Result, $"InvocationResponse for {functionName}");
        return result;
    }

    public double RssMiB()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
    }

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

    public void Append(string? line)
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

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static void AddBindings(RpcFunctionMetadata function)
    {
        foreach (var raw in function.RawBindings)
        {
            using var binding = JsonDocument.Parse(raw);
            var root = binding.RootElement;
            var info = new BindingInfo
            {
                Type = root.GetProperty("type").GetString() ?? "",
                Direction = (root.TryGetProperty("direction", out var direction) ? direction.GetString() : null)?.ToUpperInvariant() switch
                {
                    "OUT" => BindingInfo.Types.Direction.Out,
                    "INOUT" => BindingInfo.Types.Direction.Inout,
                    _ => BindingInfo.Types.Direction.In,
                },
                DataType = (root.TryGetProperty("dataType", out var dataType) ? dataType.GetString() : null)?.ToUpperInvariant() switch
                {
                    "STRING" => BindingInfo.Types.DataType.String,
                    "BINARY" => BindingInfo.Types.DataType.Binary,
                    "STREAM" => BindingInfo.Types.DataType.Stream,
                    _ => BindingInfo.Types.DataType.Undefined,
                },
            };
            function.Bindings[root.GetProperty("name").GetString() ?? ""] = info;
        }
    }

    private void Check(StatusResult? result, string what)
    {
        if (result?.Status != StatusResult.Types.Status.Success)
        {
            throw Failure($"answered {what} with {result?.Status}: {result?.Exception?.Message ?? result?.Result}\n{result?.Exception?.StackTrace}");
        }
    }

    private InvalidOperationException Failure(string what) =>
        new($"{_process.StartInfo.FileName} {what}{(_process.HasExited ? $" (exit code {_process.ExitCode})" : "")}.\n{Output}");
}

/// <summary>
/// As the host's proxy does: a request the worker's Kestrel refuses (it starts listening after the worker has answered
/// the load requests) is tried again, up to 10 times, after 50 ms, then twice as long each time up to 250 ms.
/// </summary>
internal sealed class ConnectRetryHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(50);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await base.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException e) when (attempt < 10 && e.HttpRequestError == HttpRequestError.ConnectionError)
            {
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
            }
        }
    }
}

/// <summary>The workers expected and the event streams they opened, matched by the worker id of their StartStream.</summary>
internal sealed class WorkerStreams
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<WorkerStream>> _expected = new(StringComparer.Ordinal);

    public Task<WorkerStream> Expect(string workerId) =>
        _expected.GetOrAdd(workerId, _ => new TaskCompletionSource<WorkerStream>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public WorkerStream? Connect(string workerId, IServerStreamWriter<StreamingMessage> writer)
    {
        if (!_expected.TryRemove(workerId, out var waiting))
        {
            return null;
        }

        var stream = new WorkerStream(writer);
        waiting.SetResult(stream);
        return stream;
    }
}

/// <summary>
/// The host's end of one worker's event stream: what the worker sent, in order, and the writer (used by one flow at a
/// time: <see cref="StartedWorker"/> sends, then awaits the answer).
/// </summary>
internal sealed class WorkerStream(IServerStreamWriter<StreamingMessage> writer)
{
    private readonly Channel<StreamingMessage> _received = Channel.CreateUnbounded<StreamingMessage>();

    public void Received(StreamingMessage message) => _received.Writer.TryWrite(message);

    public void Complete() => _received.Writer.TryComplete();

    public Task SendAsync(StreamingMessage message, CancellationToken cancellationToken) => writer.WriteAsync(message, cancellationToken);

    /// <summary>The next message <paramref name="pick"/> takes; the others (logs, other answers) are dropped.</summary>
    public async Task<T> ReceiveAsync<T>(Func<StreamingMessage, T?> pick, CancellationToken cancellationToken)
        where T : class
    {
        while (await _received.Reader.WaitToReadAsync(cancellationToken))
        {
            while (_received.Reader.TryRead(out var message))
            {
                if (pick(message) is { } picked)
                {
                    return picked;
                }
            }
        }

        throw new InvalidOperationException($"The worker closed its event stream before sending the {typeof(T).Name} awaited.");
    }
}

/// <summary>The FunctionRpc service: each call is one worker's event stream, handed to the <see cref="StartedWorker"/> that waits for it.</summary>
internal sealed class FunctionRpcService(WorkerStreams streams) : FunctionRpc.FunctionRpcBase
{
    public override async Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context)
    {
        if (!await requestStream.MoveNext(context.CancellationToken) || requestStream.Current.StartStream is not { } start
            || streams.Connect(start.WorkerId, responseStream) is not { } stream)
        {
            return;
        }

        try
        {
            while (await requestStream.MoveNext(context.CancellationToken))
            {
                stream.Received(requestStream.Current);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or Grpc.Core.RpcException)
        {
            // The worker was stopped (the bench kills it after each run).
        }
        finally
        {
            stream.Complete();
        }
    }
}

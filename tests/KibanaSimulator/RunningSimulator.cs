namespace KibanaSimulator;

/// <summary>
/// A simulator on a real Kestrel socket at <c>127.0.0.1</c> on a free port, for tests that drive
/// a real <see cref="HttpClient"/> against it. Dispose to stop it.
/// </summary>
public sealed class RunningSimulator : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningSimulator(WebApplication app, Uri baseAddress, KibanaState state)
    {
        _app = app;
        BaseAddress = baseAddress;
        State = state;
    }

    /// <summary>e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    public KibanaState State { get; }

    public static async Task<RunningSimulator> StartAsync(SimulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var state = new KibanaState();
        var app = SimulatorHost.Build(options, state, port: 0, quiet: true);
        try
        {
            await app.StartAsync(cancellationToken);
            return new RunningSimulator(app, SimulatorHost.BaseAddress(app), state);
        }
        catch (Exception)
        {
            await app.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace ServiceNowSimulator;

/// <summary>The one way both <c>Program.cs</c> and <see cref="RunningServiceNowSimulator"/> build the app: Kestrel on 127.0.0.1 only.</summary>
internal static class ServiceNowSimulatorHost
{
    internal static WebApplication Build(ServiceNowSimulatorOptions options, ServiceNowState state, int port, bool quiet, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(5));
        if (quiet)
        {
            builder.Logging.ClearProviders();
        }

        builder.Services.AddServiceNowSimulator(options, state, time);
        var app = builder.Build();
        app.UseServiceNowSimulator();
        app.MapServiceNowSimulator();
        return app;
    }

    internal static Uri BaseAddress(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new Uri(address.TrimEnd('/') + "/");
    }
}

/// <summary>
/// A ServiceNow simulator on a real Kestrel socket at <c>127.0.0.1</c> on a free port, for tests that drive a real
/// <see cref="HttpClient"/> against it. Dispose to stop it.
/// </summary>
public sealed class RunningServiceNowSimulator : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningServiceNowSimulator(WebApplication app, ServiceNowState state)
    {
        _app = app;
        BaseAddress = ServiceNowSimulatorHost.BaseAddress(app);
        State = state;
    }

    /// <summary>e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    public ServiceNowState State { get; }

    public static Task<RunningServiceNowSimulator> StartAsync(ServiceNowSimulatorOptions options, CancellationToken cancellationToken = default) =>
        StartAsync(options, TimeProvider.System, cancellationToken);

    /// <param name="time">The clock behind rate-limit reset headers and token lifetimes (a fake one in tests that move time).</param>
    public static async Task<RunningServiceNowSimulator> StartAsync(ServiceNowSimulatorOptions options, TimeProvider time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var state = new ServiceNowState();
        var app = ServiceNowSimulatorHost.Build(options, state, port: 0, quiet: true, time);
        try
        {
            await app.StartAsync(cancellationToken);
            return new RunningServiceNowSimulator(app, state);
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

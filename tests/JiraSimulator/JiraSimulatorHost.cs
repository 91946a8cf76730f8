using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace JiraSimulator;

/// <summary>The one way both <c>Program.cs</c> and <see cref="RunningJiraSimulator"/> build the app: Kestrel on 127.0.0.1 only.</summary>
internal static class JiraSimulatorHost
{
    internal static WebApplication Build(JiraSimulatorOptions options, JiraState state, int port, bool quiet, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(5));
        if (quiet)
        {
            builder.Logging.ClearProviders();
        }

        builder.Services.AddJiraSimulator(options, state, time);
        var app = builder.Build();
        app.UseJiraSimulator();
        app.MapJiraSimulator();
        return app;
    }

    internal static Uri BaseAddress(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new Uri(address.TrimEnd('/') + "/");
    }
}

/// <summary>
/// A Jira simulator on a real Kestrel socket at <c>127.0.0.1</c> on a free port, for tests that drive a real
/// <see cref="HttpClient"/> against it. Dispose to stop it.
/// </summary>
public sealed class RunningJiraSimulator : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningJiraSimulator(WebApplication app, JiraState state)
    {
        _app = app;
        BaseAddress = JiraSimulatorHost.BaseAddress(app);
        State = state;
    }

    /// <summary>e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    public JiraState State { get; }

    public static Task<RunningJiraSimulator> StartAsync(JiraSimulatorOptions options, CancellationToken cancellationToken = default) =>
        StartAsync(options, TimeProvider.System, cancellationToken);

    /// <param name="time">The clock behind rate-limit reset headers and token lifetimes (a fake one in tests that move time).</param>
    public static async Task<RunningJiraSimulator> StartAsync(JiraSimulatorOptions options, TimeProvider time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var state = new JiraState();
        var app = JiraSimulatorHost.Build(options, state, port: 0, quiet: true, time);
        try
        {
            await app.StartAsync(cancellationToken);
            return new RunningJiraSimulator(app, state);
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

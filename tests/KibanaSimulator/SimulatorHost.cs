using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace KibanaSimulator;

/// <summary>The one way both <c>Program.cs</c> and <see cref="RunningSimulator"/> build the app: Kestrel on 127.0.0.1 only.</summary>
internal static class SimulatorHost
{
    internal static WebApplication Build(SimulatorOptions options, KibanaState state, int port, bool quiet)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));

        // Requests held by the latency fault end at shutdown; nothing else needs a long grace period.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(5));
        if (quiet)
        {
            builder.Logging.ClearProviders();
        }
        else
        {
            // Program logs the one "listening on" line itself.
            builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        }

        builder.Services.AddKibanaSimulator(options, state);
        var app = builder.Build();
        app.MapKibanaSimulator();
        return app;
    }

    /// <summary>The bound address, e.g. <c>http://127.0.0.1:41234/</c>; only known once the app has started.</summary>
    internal static Uri BaseAddress(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new Uri(address.TrimEnd('/') + "/");
    }
}

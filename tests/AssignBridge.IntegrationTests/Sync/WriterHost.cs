using System.Net;
using System.Net.Sockets;
using AssignBridge.IntegrationTests.Infrastructure;
using AssignBridge.Secrets;
using AssignBridge.Sources.ServiceNow;
using AssignBridge.Tickets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AssignBridge.IntegrationTests.Sync;

/// <summary>
/// The ticket writers as the app registers them (<see cref="TicketWriterServices.AddTicketWriters"/>: typed HttpClients,
/// options, credentials), over real HTTP; the secrets from the Key Vault fake (the real SecretClient) or, without one,
/// from the local settings. Logs are captured.
/// </summary>
internal sealed class WriterHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private WriterHost(ServiceProvider services, CapturedLogs logs)
    {
        _services = services;
        Logs = logs;
    }

    public CapturedLogs Logs { get; }

    public JiraTicketWriter Jira => _services.GetRequiredService<JiraTicketWriter>();

    public ServiceNowTicketWriter ServiceNow => _services.GetRequiredService<ServiceNowTicketWriter>();

    public IReadOnlyList<ITicketWriter> Writers => [.. _services.GetServices<ITicketWriter>()];

    /// <summary>The cached secret a writer reads, to warm it as a running bridge would have before a rotation.</summary>
    public CachedSecret Secret(string name, string localSetting) => _services.GetRequiredService<CachedSecrets>().Get(name, localSetting, "test secret");

    public static WriterHost Start(IDictionary<string, string?> settings, TimeProvider? time = null, KeyVaultFake? vault = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var logs = new CapturedLogs();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        services.AddSingleton(time ?? TimeProvider.System);
        services.AddSingleton(sp => new CachedSecrets(
            vault?.CreateSecretClient(), configuration, Options.Create(new KeyVaultOptions { Uri = vault?.VaultUri }),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));
        services.AddOptions<ServiceNowOptions>().Bind(configuration.GetSection(ServiceNowOptions.SectionName));
        services.AddTicketWriters(configuration);
        return new WriterHost(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }), logs);
    }

    /// <summary>A loopback address nothing listens on: connecting is refused.</summary>
    public static Uri RefusingAddress()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}

/// <summary>A fixed starting time for tests that move the clock, shared by the writer and the simulator.</summary>
internal static class SyncClock
{
    public static FakeTimeProvider Start() => new(new DateTimeOffset(2026, 3, 2, 10, 0, 30, TimeSpan.Zero));
}

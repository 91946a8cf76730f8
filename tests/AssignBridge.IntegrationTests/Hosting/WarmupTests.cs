using System.Net.Sockets;
using System.Net;
using AssignBridge.Hosting;
using AssignBridge.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AssignBridge.IntegrationTests.Hosting;

/// <summary>What the app prepares once Kestrel listens, so that the first delivery does not wait for it (docs/performance.md).</summary>
[Collection("azurite")]
public sealed class WarmupTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task OnceListening_KeyReadAndTablesMade_BeforeAnyDelivery()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        await bridge.Services.GetRequiredService<Warmup>().Finished.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, bridge.Vault.GetSecretRequests);
        var tables = azurite.CreateTableServiceClient();
        var names = new List<string>();
        await foreach (var table in tables.QueryAsync())
        {
            names.Add(table.Name);
        }

        Assert.Contains(bridge.JournalTable.Name, names);
        Assert.Contains(bridge.AuditTable.Name, names);
        Assert.Empty(bridge.Kibana.State.Requests); // nothing is sent to Kibana to warm up (the start-up check is its own setting)

        bridge.Kibana.State.SeedAlert("default", "alert-1");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/assignments")
        {
            Content = new StringContent("""{"alertIds":["alert-1"],"add":["uid:u_alice_0"]}""", System.Text.Encoding.UTF8, "application/json"),
        };
        using var response = await bridge.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, bridge.Vault.GetSecretRequests); // the delivery used the key read after start-up
    }

    [Fact]
    public async Task StorageUnreachable_WarmupLogsTheStepAndTheAppStillAnswers()
    {
        var closed = FreePort();
        var logs = new CapturedLogs();
        await using var app = AssignBridgeApp.Build(
            [
                "--urls=http://127.0.0.1:0",
                "--Kibana:Url=http://127.0.0.1:9/",
                "--Kibana:ApiKey=a-local-key-never-logged",
                "--Telemetry:StartupCheck=false",
                "--Reconcile:Enabled=false",
                $"--Storage:ConnectionString=DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:{closed}/devstoreaccount1",
            ],
            services => services.AddSingleton<ILoggerProvider>(logs));
        await app.StartAsync();
        await app.Services.GetRequiredService<Warmup>().Finished.WaitAsync(TimeSpan.FromSeconds(60));

        var warning = Assert.Single(logs.Lines, l => l.Contains("Could not prepare the tables", StringComparison.Ordinal));
        Assert.Contains("done on first use", warning, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Lines, l => l.Contains("Could not prepare the Kibana", StringComparison.Ordinal)); // client and local key were fine
        Assert.DoesNotContain(logs.Lines, l => l.Contains("a-local-key-never-logged", StringComparison.Ordinal));
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        using var health = await client.GetAsync(new Uri("/api/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        await app.StopAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

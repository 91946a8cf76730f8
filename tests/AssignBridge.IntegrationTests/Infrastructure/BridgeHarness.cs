using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.Json;
using AssignBridge.Delivery;
using AssignBridge.Hosting;
using AssignBridge.Kibana;
using AssignBridge.People;
using AssignBridge.Platform.Queues;
using AssignBridge.Platform.Storage;
using AssignBridge.Reconciliation;
using Azure.Data.Tables;
using Azure.Security.KeyVault.Secrets;
using KibanaSimulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Polly.Telemetry;
using Polly;

namespace AssignBridge.IntegrationTests.Infrastructure;

/// <summary>
/// The bridge as it runs for real, on Kestrel at a free loopback port, wired to a Kibana simulator, the
/// Key Vault fake (the real SecretClient) and a fresh table on Azurite. One per test.
/// </summary>
public sealed class BridgeHarness : IAsyncDisposable
{
    public const string Token = "test-token-for-assignments";
    public const string KibanaKey = "a2liYW5hLWtleS1pZDpzZWNyZXQtdmFsdWUtb25l";

    private readonly WebApplication _app;
    private TableClient _managed = null!;

    private BridgeHarness(WebApplication app, RunningSimulator kibana, KeyVaultFake vault, TableClient people, TableClient journal, CapturedLogs logs, Uri address)
    {
        _app = app;
        JournalTable = journal;
        Kibana = kibana;
        Vault = vault;
        People = people;
        Logs = logs;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    public RunningSimulator Kibana { get; }

    public KeyVaultFake Vault { get; }

    public TableClient People { get; }

    public CapturedLogs Logs { get; }

    /// <summary>The journal table of this bridge (created by the bridge on first use).</summary>
    public TableClient JournalTable { get; }

    public HttpClient Client { get; }

    /// <summary>The audit table of this bridge (created by the bridge on first use).</summary>
    public TableClient AuditTable { get; private init; } = null!;

    /// <summary>Two-way sync's links between tickets and alerts (created by the bridge when sync is on).</summary>
    public TableClient LinksTable { get; private init; } = null!;

    public IServiceProvider Services => _app.Services;

    /// <summary>Waits until the managed-assignee and audit rows of every delivery answered so far are written (the bridge writes them just after its answer).</summary>
    public Task RecordedAsync() => Services.GetRequiredService<AssignBridge.Delivery.EffectProjector>().WhenIdleAsync();

    /// <param name="time">
    /// The clock the app reads for its schedules (journal back-off and claims, the reconcile sweep's grace, audit and cache
    /// times), moved by the test instead of waiting; the system clock when null. Waits for I/O stay on the system
    /// clock: the Kibana resilience pipeline (attempt and total timeouts, retry delays) and the batcher's coalescing
    /// window, so a frozen clock neither hangs a call nor changes what reaches Kibana. The queue poller's idle pauses, the reconcile
    /// scheduler and the start-up check's retries wait on this clock: they do not move while it stands still.
    /// </param>
    /// <param name="configure">Replaces or adds services after the app's own (a seam for a test: a failing handler, a store that stalls).</param>
    public static async Task<BridgeHarness> StartAsync(AzuriteFixture azurite, IDictionary<string, string>? settings = null, SimulatorOptions? kibanaOptions = null, FakeTimeProvider? time = null, Action<IServiceCollection>? configure = null)
    {
        var options = kibanaOptions ?? new SimulatorOptions();
        if (options.ApiKeys.Count == 0)
        {
            options.ApiKeys.Add(KibanaKey);
        }

        var kibana = await RunningSimulator.StartAsync(options);
        var vault = await KeyVaultFake.StartAsync();
        vault.SetSecret("kibana-api-key", KibanaKey);
        var table = "people" + Guid.NewGuid().ToString("n")[..12];

        var all = new Dictionary<string, string>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Kibana:Url"] = kibana.BaseAddress.ToString(),
            ["Kibana:RetryBaseDelayMilliseconds"] = "20",
            ["KeyVault:Uri"] = vault.VaultUri.ToString(),
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["People:TableName"] = table,
            ["Journal:TableName"] = "journal" + table["people".Length..],
            ["Journal:ManagedTableName"] = "managed" + table["people".Length..],
            ["Audit:TableName"] = "audit" + table["people".Length..],
            ["Sync:TableName"] = "links" + table["people".Length..],
            ["Reconcile:Enabled"] = "false", // tests run the sweep and drain the queue themselves (ReconcileAsync, DrainQueueAsync)
            ["Reconcile:RequeueGraceSeconds"] = "0",
            ["Queue:Name"] = "deliveries" + table["people".Length..],
            ["Queue:Poll"] = "false",
            ["Telemetry:StartupCheck"] = "false", // its probe would show among the requests tests count; StartupCheckTests turn it on
            ["Assignments:Tokens:0"] = Token,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        var logs = new CapturedLogs();
        var app = AssignBridgeApp.Build(
            [.. all.Select(s => $"--{s.Key}={s.Value}")],
            services =>
            {
                // The app's own SecretClient registration (KeyVault:Uri), told to sign in with the fake's credential and
                // to trust the fake vault's certificate and loopback host.
                services.AddAzureClients(clients => clients
                    .UseCredential(vault.Credential)
                    .ConfigureDefaults(options =>
                    {
                        if (options is SecretClientOptions secrets)
                        {
                            vault.ConfigureClientOptions(secrets);
                        }
                    }));
                services.AddSingleton<ILoggerProvider>(logs);
                if (time is not null)
                {
                    UseClock(services, time);
                }

                configure?.Invoke(services);
            });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var tables = azurite.CreateTableServiceClient();
        var people = tables.GetTableClient(table);
        var journal = tables.GetTableClient(all["Journal:TableName"]);
        var managed = tables.GetTableClient(all["Journal:ManagedTableName"]);
        await people.CreateIfNotExistsAsync();
        return new BridgeHarness(app, kibana, vault, people, journal, logs, new Uri(address))
        {
            _managed = managed,
            AuditTable = tables.GetTableClient(all["Audit:TableName"]),
            LinksTable = tables.GetTableClient(all["Sync:TableName"]),
        };
    }

    private static void UseClock(IServiceCollection services, FakeTimeProvider time)
    {
        services.Replace(ServiceDescriptor.Singleton<TimeProvider>(time));

        // The batcher's window is a timer on the clock it is given: on a frozen one the window never ends.
        services.Replace(ServiceDescriptor.Singleton(sp => ActivatorUtilities.CreateInstance<KibanaBatcher>(sp, TimeProvider.System)));

        // Polly's builder takes the TimeProvider from the container when there is one; built as Polly builds it, less
        // that, its timeouts and retry delays run on the system clock (a new builder's default).
        services.Replace(ServiceDescriptor.Transient(sp =>
        {
            var builder = new ResiliencePipelineBuilder();
            builder.ConfigureTelemetry(sp.GetRequiredService<IOptions<TelemetryOptions>>().Value);
            return builder;
        }));
    }

    /// <summary>The delivery queue of this bridge (created by the bridge on first use).</summary>
    internal DeliveryQueue Queue => _app.Services.GetRequiredService<DeliveryQueue>();

    /// <summary>
    /// What the timer does, then what the queue trigger does: the sweep queues every overdue journal row again, then the
    /// queue is drained. The answer is the sweep's report with the drained attempts counted in (due, attempted, applied,
    /// retrying, rejected, dead).
    /// </summary>
    public async Task<JsonNode> ReconcileAsync()
    {
        var report = await _app.Services.GetRequiredService<ReconcileService>().RunAsync();
        var drained = await DrainQueueAsync();
        var node = JsonSerializer.SerializeToNode(report, AppJsonContext.Default.ReconcileReport)!;
        node["due"] = report.Overdue;
        node["attempted"] = drained.Count(r => r?.Handling == QueueHandling.Attempted);
        foreach (var status in Enum.GetValues<DeliveryStatus>())
        {
            node[JournalEntry.StatusName(status)] = drained.Count(r => r?.Status == status);
        }

        return node;
    }

    /// <summary>Handles every delivery message visible now, as the standalone poller (and the host's listener) would; null for one that failed or was poisoned.</summary>
    internal async Task<IReadOnlyList<QueueResult?>> DrainQueueAsync() =>
        [.. (await DrainAsync(_app.Services.GetRequiredService<DeliveryWork>())).Select(outcome => outcome?.Result as QueueResult)];

    /// <summary>Sends every assignment notice queued now, as the SendNotice function would.</summary>
    internal Task<IReadOnlyList<QueueOutcome?>> DrainNoticesAsync() => DrainAsync(_app.Services.GetRequiredService<AssignBridge.Notifications.AssignmentNotifier>());

    private Task<IReadOnlyList<QueueOutcome?>> DrainAsync(IQueueWork work) =>
        ActivatorUtilities.CreateInstance<QueuePoller>(_app.Services, work).DrainAsync(CancellationToken.None);

    public async Task MapAsync(string ns, string externalId, string uid)
    {
        await People.UpsertEntityAsync(new PersonEntity { PartitionKey = ns, RowKey = RowKeys.Encode(externalId), ExternalId = externalId, KibanaUid = uid });
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        var queue = Queue;
        var notices = _app.Services.GetRequiredService<AssignBridge.Notifications.AssignmentNotifier>();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await People.DeleteAsync();
        await JournalTable.DeleteAsync();
        await _managed.DeleteAsync();
        await AuditTable.DeleteAsync();
        await LinksTable.DeleteAsync();
        try
        {
            await queue.Queue.DeleteIfExistsAsync();
            await queue.Poison.DeleteIfExistsAsync();
            await notices.Queue.DeleteIfExistsAsync();
            await notices.Poison.DeleteIfExistsAsync();
        }
        catch (Exception exception) when (exception is Azure.RequestFailedException or AggregateException)
        {
            // A test that pointed the bridge at unreachable storage has no queues to delete.
        }
        await Kibana.DisposeAsync();
        await Vault.DisposeAsync();
    }
}

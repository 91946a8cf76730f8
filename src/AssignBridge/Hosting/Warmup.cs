using AssignBridge.Audit;
using AssignBridge.Delivery;
using AssignBridge.Kibana;
using AssignBridge.People;
using AssignBridge.Platform.Http;
using AssignBridge.Secrets;









namespace AssignBridge.Hosting;

// Once the app listens (never before: nothing slow before the worker is ready), prepares what the first delivery
// would otherwise wait for: the four tables and the storage connection, the Kibana client with its handlers and
// resilience pipeline, and the Kibana API key (from Key Vault on Azure). Best effort: each step that fails is
// logged and done again on first use, as it would be without this.
internal sealed class Warmup(IServiceProvider services, IHostApplicationLifetime lifetime, ILogger<Warmup> logger) : BackgroundService
{
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when every step has succeeded or failed (or the app stopped first).</summary>
    public Task Finished => _finished.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await PrepareAsync(stoppingToken);
        }
        finally
        {
            _finished.TrySetResult();
        }
    }

    private async Task PrepareAsync(CancellationToken stoppingToken)
    {
        if (!await lifetime.WaitUntilListeningAsync(stoppingToken))
        {
            return;
        }

        await Task.WhenAll(
            StepAsync("tables", () => Task.WhenAll(
                services.GetRequiredService<DeliveryJournal>().EnsureTableAsync(stoppingToken),
                services.GetRequiredService<ManagedAssignees>().EnsureTableAsync(stoppingToken),
                services.GetRequiredService<PeopleDirectory>().EnsureTableAsync(stoppingToken),
                services.GetRequiredService<AuditLog>().EnsureTableAsync(stoppingToken))),
            StepAsync("Kibana client", () =>
            {
                services.GetRequiredService<KibanaClient>(); // builds the handler chain, which the factory keeps for reuse
                return Task.CompletedTask;
            }),
            StepAsync("Kibana API key", () => services.GetRequiredService<KibanaApiKeyProvider>().GetAsync(stoppingToken)));

        async Task StepAsync(string step, Func<Task> prepare)
        {
            try
            {
                await Task.Run(prepare, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping before it finished.
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Never the message: it may quote configuration. The first delivery meets the same failure and says more.
                Log.WarmupFailed(logger, step, exception.GetType().Name);
            }
        }
    }
}

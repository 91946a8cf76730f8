using AssignBridge.Audit;
using AssignBridge.Journal;
using AssignBridge.People;
using Azure;

namespace AssignBridge.Hosting;

/// <summary>
/// Once Kestrel listens (never before: the Functions host waits for <c>GET /</c>), makes sure the tables exist and
/// the storage connection is open, so that the first delivery does not pay for four table creations. Best effort:
/// a failure here is logged and the stores create their tables on first use as before.
/// </summary>
internal sealed class StorageWarmup(IServiceProvider services, IHostApplicationLifetime lifetime, ILogger<StorageWarmup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }

        try
        {
            await Task.WhenAll(
                services.GetRequiredService<DeliveryJournal>().EnsureTableAsync(stoppingToken),
                services.GetRequiredService<ManagedAssignees>().EnsureTableAsync(stoppingToken),
                services.GetRequiredService<PeopleDirectory>().EnsureTableAsync(stoppingToken),
                services.GetRequiredService<AuditLog>().EnsureTableAsync(stoppingToken));
        }
        catch (Exception exception) when (exception is RequestFailedException or AggregateException or JournalUnavailableException or AuditUnavailableException)
        {
            Log.WarmupFailed(logger, exception.GetType().Name);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping before storage answered.
        }
    }
}

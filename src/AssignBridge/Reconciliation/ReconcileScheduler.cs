using AssignBridge.Hosting;
using AssignBridge.Journal;
using Microsoft.Extensions.Options;

namespace AssignBridge.Reconciliation;

/// <summary>
/// Runs reconciliation on <see cref="ReconcileOptions.Schedule"/> when the app runs on its own. Under the
/// Functions host the timer function does this, so the scheduler stays idle there.
/// </summary>
internal sealed class ReconcileScheduler(ReconcileService reconcile, IOptions<ReconcileOptions> options, IConfiguration configuration, TimeProvider time, ILogger<ReconcileScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled || !string.IsNullOrEmpty(configuration[HostingExtensions.CustomHandlerPortVariable]))
        {
            return;
        }

        var schedule = options.Value.ParseSchedule();
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var next = schedule.GetNextOccurrence(now, TimeZoneInfo.Utc) ?? now.AddMinutes(5);
            await Task.Delay(next - now, time, stoppingToken);
            try
            {
                await reconcile.RunAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is JournalUnavailableException or Azure.RequestFailedException or AggregateException)
            {
                // Storage is down: the next run tries again; nothing is lost, the journal still holds every delivery.
                Log.RunFailed(logger, exception.Message);
            }
        }
    }
}

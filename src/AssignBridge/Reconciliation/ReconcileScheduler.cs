using Microsoft.Extensions.Options;

namespace AssignBridge.Reconciliation;

/// <summary>
/// Runs reconciliation on <see cref="ReconcileOptions.Schedule"/> when the app runs on its own; it stands in for the
/// Functions host's timer trigger, and is registered only in a standalone process. Each standalone instance runs its
/// own sweep (no lock between them): a duplicate queue message is harmless.
/// </summary>
/// <remarks>
/// Hosted services are built before Kestrel listens. Taking <see cref="ReconcileService"/> in the constructor built
/// nearly the whole app (tables, Azure credential, Kibana client and its handlers) before the first request could be
/// answered; so it is resolved only when needed.
/// </remarks>
internal sealed class ReconcileScheduler(IServiceProvider services, IOptions<ReconcileOptions> options, TimeProvider time, ILogger<ReconcileScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        var reconcile = services.GetRequiredService<ReconcileService>();
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
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // A background service has nobody to throw to, and letting it out would stop the host: log and run again
                // on schedule. Nothing is lost: the journal still holds every delivery.
                Log.RunFailed(logger, $"{exception.GetType().Name}: {exception.Message}");
            }
        }
    }
}

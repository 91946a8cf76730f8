namespace AssignBridge.Platform.Http;

internal static class LifetimeExtensions
{
    // Waits until Kestrel listens (the host's ApplicationStarted): work that may be slow never comes before the
    // Functions host's first GET /. False when the app stops first.
    public static async Task<bool> WaitUntilListeningAsync(this IHostApplicationLifetime lifetime, CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task;
                return true;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return false;
            }
        }
    }
}

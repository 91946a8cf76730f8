namespace AssignBridge.Platform.Http;

internal static class LifetimeExtensions
{
    /// <summary>
    /// Waits until Kestrel listens (the host's <c>ApplicationStarted</c>): work that may be slow never comes before the
    /// Functions host's first <c>GET /</c>. False when the app stops first.
    /// </summary>
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

namespace AssignBridge.Hosting;

internal static partial class Log
{
    [LoggerMessage(7001, LogLevel.Warning, "Could not prepare the {Step} after start-up ({Reason}); it is done on first use instead.")]
    public static partial void WarmupFailed(ILogger logger, string step, string reason);
}

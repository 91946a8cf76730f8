namespace AssignBridge.Hosting;

internal static partial class Log
{
    [LoggerMessage(7001, LogLevel.Warning, "Could not prepare the tables after start-up ({Reason}); they are created on first use instead.")]
    public static partial void WarmupFailed(ILogger logger, string reason);
}

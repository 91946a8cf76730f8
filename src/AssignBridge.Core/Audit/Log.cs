namespace AssignBridge.Audit;

internal static partial class Log
{
    [LoggerMessage(5001, LogLevel.Warning, "The audit record of a failed Kibana request in space {Space} could not be written: {Reason}")]
    public static partial void FailureNotAudited(ILogger logger, string space, string reason);

    [LoggerMessage(5002, LogLevel.Information, "Audit retention: deleted {Deleted} rows older than {RetentionDays} days.")]
    public static partial void Purged(ILogger logger, int deleted, int retentionDays);

    [LoggerMessage(5003, LogLevel.Warning, "Audit retention could not run: {Reason}")]
    public static partial void PurgeFailed(ILogger logger, string reason);
}

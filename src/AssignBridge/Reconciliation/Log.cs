namespace AssignBridge.Reconciliation;

internal static partial class Log
{
    [LoggerMessage(4101, LogLevel.Information, "Reconcile: {Overdue} journal rows overdue, {Queued} queued again, {NotQueued} left for the next run, in {DurationMs} ms.")]
    public static partial void Ran(ILogger logger, int overdue, int queued, int notQueued, long durationMs);

    [LoggerMessage(4102, LogLevel.Warning, "Reconcile timer is past due (the host was down or busy at its last occurrence); running now.")]
    public static partial void PastDue(ILogger logger);

    [LoggerMessage(4104, LogLevel.Information, "Drift check: {Checked} managed assignees compared, {Found} missing in Kibana, {Repaired} put back.")]
    public static partial void Drift(ILogger logger, int @checked, int found, int repaired);

    [LoggerMessage(4103, LogLevel.Warning, "Reconcile run failed and will run again on schedule: {Reason}")]
    public static partial void RunFailed(ILogger logger, string reason);
    [LoggerMessage(4120, LogLevel.Warning, "Reconcile: the managed-assignee and audit rows left unwritten could not be written ({Reason}); the next run tries again.")]
    public static partial void ProjectionSweepFailed(ILogger logger, string reason);
}

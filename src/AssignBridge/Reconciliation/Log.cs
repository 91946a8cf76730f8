namespace AssignBridge.Reconciliation;

internal static partial class Log
{
    [LoggerMessage(4101, LogLevel.Information, "Reconcile: {Due} due, {Attempted} attempted, {Applied} applied, {Retrying} retrying, {Rejected} rejected, {Dead} dead in {DurationMs} ms.")]
    public static partial void Ran(ILogger logger, int due, int attempted, int applied, int retrying, int rejected, int dead, long durationMs);

    [LoggerMessage(4102, LogLevel.Information, "Reconcile skipped: another instance holds the lease.")]
    public static partial void LeaseHeld(ILogger logger);

    [LoggerMessage(4104, LogLevel.Information, "Drift check: {Checked} managed assignees compared, {Found} missing in Kibana, {Repaired} put back.")]
    public static partial void Drift(ILogger logger, int @checked, int found, int repaired);

    [LoggerMessage(4103, LogLevel.Warning, "Reconcile run failed and will run again on schedule: {Reason}")]
    public static partial void RunFailed(ILogger logger, string reason);

    [LoggerMessage(4105, LogLevel.Warning, "Reconcile: delivery {DeliveryId} from {Source} could not be claimed and is left for the next run: {Reason}")]
    public static partial void ClaimFailed(ILogger logger, string source, string deliveryId, string reason);
}

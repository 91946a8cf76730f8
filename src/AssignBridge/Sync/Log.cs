namespace AssignBridge.Sync;

internal static partial class Log
{
    [LoggerMessage(8101, LogLevel.Information, "Sync: ticket {Ticket} follows Kibana to {Uid} (dry run: {DryRun}): {Why}.")]
    public static partial void Follows(ILogger logger, string ticket, string uid, bool dryRun, string why);

    [LoggerMessage(8102, LogLevel.Warning, "Sync: ticket {Ticket} was left as it is: {Why}.")]
    public static partial void Disagree(ILogger logger, string ticket, string why);

    [LoggerMessage(8103, LogLevel.Warning, "Sync: the sweep stopped early and goes on next run: {Reason}")]
    public static partial void SweepFailed(ILogger logger, string reason);

    [LoggerMessage(8104, LogLevel.Information, "Sync: ticket {Ticket} now names {PersonId}.")]
    public static partial void Written(ILogger logger, string ticket, string personId);

    [LoggerMessage(8105, LogLevel.Information, "Sync: ticket {Ticket} was reassigned to {Current} after Kibana was read; its newer change stands.")]
    public static partial void Superseded(ILogger logger, string ticket, string current);

    [LoggerMessage(8106, LogLevel.Information, "Sync: a {Source} event for {Ticket} is the bridge's own ticket write coming back ({Why}); not applied to Kibana.")]
    public static partial void Echo(ILogger logger, string source, string ticket, string why);

    [LoggerMessage(8107, LogLevel.Warning, "Sync: could not check whether a {Source} event for {Ticket} is the bridge's own write ({Reason}); applying it.")]
    public static partial void EchoCheckFailed(ILogger logger, string source, string ticket, string reason);

    [LoggerMessage(8108, LogLevel.Warning, "Sync: {Source}:SyncFromKibana is on but its ticket API is not configured ({Source}:Api); its tickets wait.")]
    public static partial void NotConfigured(ILogger logger, string source);
}

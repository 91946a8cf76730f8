namespace AssignBridge.Sources.Jira;

internal static partial class Log
{
    [LoggerMessage(1201, LogLevel.Warning, "Jira delivery refused: credentials {Check} ({Via}).")]
    public static partial void Unauthorized(ILogger logger, string check, string via);

    [LoggerMessage(1202, LogLevel.Information, "Jira delivery refused: {Reason}")]
    public static partial void BadRequest(ILogger logger, string reason);

    [LoggerMessage(1203, LogLevel.Information, "Jira delivery {DeliveryId} ignored: {Reason}")]
    public static partial void Ignored(ILogger logger, string? deliveryId, string reason);

    [LoggerMessage(1204, LogLevel.Information, "Jira delivery {DeliveryId} for {Issue}: {Add} to add, {Remove} to remove on {Alerts} alerts (retry {Retry}).")]
    public static partial void Accepted(ILogger logger, string deliveryId, string? issue, int add, int remove, int alerts, string? retry);

    [LoggerMessage(1205, LogLevel.Warning, "Jira alert pattern timed out on issue {Issue}; the pattern found nothing.")]
    public static partial void PatternTimeout(ILogger logger, string? issue);
}

namespace AssignBridge.Sources.ServiceNow;

internal static partial class Log
{
    [LoggerMessage(1301, LogLevel.Warning, "ServiceNow delivery refused: credentials {Check} ({Via}).")]
    public static partial void Unauthorized(ILogger logger, string check, string via);

    [LoggerMessage(1302, LogLevel.Information, "ServiceNow delivery refused: {Reason}")]
    public static partial void BadRequest(ILogger logger, string reason);

    [LoggerMessage(1303, LogLevel.Information, "ServiceNow delivery {DeliveryId} ignored: {Reason}")]
    public static partial void Ignored(ILogger logger, string? deliveryId, string reason);

    [LoggerMessage(1304, LogLevel.Information, "ServiceNow delivery {DeliveryId} for {Record}: {Add} to add, {Remove} to remove on {Alerts} alerts.")]
    public static partial void Accepted(ILogger logger, string deliveryId, string? record, int add, int remove, int alerts);
}

namespace AssignBridge.Commands.Teams;

internal static partial class Log
{
    [LoggerMessage(1501, LogLevel.Warning, "Teams command refused: signature {Check}.")]
    public static partial void Unauthorized(ILogger logger, string check);

    [LoggerMessage(1502, LogLevel.Information, "Teams command refused: {Reason}.")]
    public static partial void BadRequest(ILogger logger, string reason);

    [LoggerMessage(1503, LogLevel.Information, "Teams command {DeliveryId} accepted but not applied within the deadline; the delivery queue finishes it.")]
    public static partial void Pending(ILogger logger, string deliveryId);
}

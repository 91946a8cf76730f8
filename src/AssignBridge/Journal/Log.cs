namespace AssignBridge.Journal;

internal static partial class Log
{
    [LoggerMessage(4001, LogLevel.Information, "Delivery {DeliveryId} from {Source}: attempt {Attempt} ended {Status} (journal written {Written}).")]
    public static partial void Attempted(ILogger logger, string source, string deliveryId, int attempt, string status, bool written);

    [LoggerMessage(4002, LogLevel.Information, "Delivery {DeliveryId} from {Source} was delivered again; answered from the journal ({Status}).")]
    public static partial void Redelivered(ILogger logger, string source, string deliveryId, string status);

    [LoggerMessage(4003, LogLevel.Error, "Delivery {DeliveryId} from {Source} could not be journaled: {Reason}")]
    public static partial void NotRecorded(ILogger logger, string source, string deliveryId, string reason);
}

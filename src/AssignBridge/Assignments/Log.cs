namespace AssignBridge.Assignments;

internal static partial class Log
{
    [LoggerMessage(1101, LogLevel.Warning, "Delivery {DeliveryId} from {Source} rejected: {Count} people unmapped and the policy is Reject.")]
    public static partial void RejectedUnmapped(ILogger logger, string source, string deliveryId, int count);

    [LoggerMessage(1102, LogLevel.Information, "Delivery {DeliveryId} from {Source}: {Status} after {Requests} Kibana requests.")]
    public static partial void Outcome(ILogger logger, string source, string deliveryId, string status, int requests);

    [LoggerMessage(1103, LogLevel.Warning, "Assignment request refused: credentials {Check}.")]
    public static partial void Unauthorized(ILogger logger, string check);

    [LoggerMessage(1104, LogLevel.Information, "Assignment request refused: {Reason}")]
    public static partial void BadRequest(ILogger logger, string reason);
}

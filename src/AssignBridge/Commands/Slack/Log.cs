namespace AssignBridge.Commands.Slack;

internal static partial class Log
{
    [LoggerMessage(1401, LogLevel.Warning, "Slack command refused: signature {Check}.")]
    public static partial void Unauthorized(ILogger logger, string check);

    [LoggerMessage(1402, LogLevel.Information, "Slack command refused: {Reason}.")]
    public static partial void BadRequest(ILogger logger, string reason);

    [LoggerMessage(1403, LogLevel.Information, "Slack ssl_check answered.")]
    public static partial void SslCheck(ILogger logger);

    [LoggerMessage(1404, LogLevel.Information, "Slack command {DeliveryId} acknowledged as pending; the outcome follows from the delivery queue.")]
    public static partial void FollowUpStarted(ILogger logger, string deliveryId);

    [LoggerMessage(1405, LogLevel.Information, "Slack command {DeliveryId}: outcome posted to response_url ({Status}).")]
    public static partial void FollowUpPosted(ILogger logger, string deliveryId, int status);

    [LoggerMessage(1406, LogLevel.Warning, "Slack command {DeliveryId}: posting to response_url failed: {Reason}.")]
    public static partial void FollowUpPostFailed(ILogger logger, string deliveryId, string reason);


    [LoggerMessage(1408, LogLevel.Warning, "Slack command {DeliveryId}: response_url is not an allowed Slack address; no follow-up will be posted.")]
    public static partial void ResponseUrlRefused(ILogger logger, string deliveryId);

}

namespace AssignBridge.Notifications;

internal static partial class Log
{
    [LoggerMessage(5101, LogLevel.Information, "Assignment notice sent to the {Target} webhook.")]
    public static partial void Sent(ILogger logger, string target);

    [LoggerMessage(5102, LogLevel.Warning, "Assignment notice to the {Target} webhook not sent: {Reason}")]
    public static partial void NotSent(ILogger logger, string target, string reason);
}

namespace AssignBridge.AssignmentsApi;

internal static partial class Log
{
    [LoggerMessage(1103, LogLevel.Warning, "Assignment request refused: credentials {Check}.")]
    public static partial void Unauthorized(ILogger logger, string check);
    [LoggerMessage(1104, LogLevel.Information, "Assignment request refused: {Reason}")]
    public static partial void BadRequest(ILogger logger, string reason);
}

namespace AssignBridge.Admin;

internal static partial class Log
{
    [LoggerMessage(2101, LogLevel.Warning, "An admin request was refused: {Reason}.")]
    public static partial void AdminUnauthorized(ILogger logger, string reason);
    [LoggerMessage(2102, LogLevel.Error, "An admin request could not use the people table: status {Status}, code {ErrorCode}.")]
    public static partial void AdminStorageFailed(ILogger logger, int status, string? errorCode);
}

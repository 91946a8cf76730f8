namespace AssignBridge.Platform.Http;

internal static partial class Log
{
    [LoggerMessage(7002, LogLevel.Warning, "Slow client: {Method} {Route} sent its body slower than the minimum data rate; answered 408.")]
    public static partial void SlowClient(ILogger logger, string method, string route);
    [LoggerMessage(7003, LogLevel.Warning, "{Method} {Route}: the request body could not be read; answered {Status}.")]
    public static partial void BadBody(ILogger logger, string method, string route, int status);
}

namespace AssignBridge.Hosting;

internal static partial class Log
{
    [LoggerMessage(7001, LogLevel.Warning, "Could not prepare the {Step} after start-up ({Reason}); it is done on first use instead.")]
    public static partial void WarmupFailed(ILogger logger, string step, string reason);

    [LoggerMessage(7002, LogLevel.Warning, "Slow client: {Method} {Route} sent its body slower than the minimum data rate; answered 408.")]
    public static partial void SlowClient(ILogger logger, string method, string route);

    [LoggerMessage(7003, LogLevel.Warning, "{Method} {Route}: the request body could not be read; answered {Status}.")]
    public static partial void BadBody(ILogger logger, string method, string route, int status);

    [LoggerMessage(7004, LogLevel.Error, "Function {Function} failed with {ExceptionType}; answered 500.")]
    public static partial void FunctionFailed(ILogger logger, string function, string exceptionType);
}

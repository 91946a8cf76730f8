namespace AssignBridge.Functions;

internal static partial class Log
{
    [LoggerMessage(7004, LogLevel.Error, "Function {Function} failed with {ExceptionType}; answered 500.")]
    public static partial void FunctionFailed(ILogger logger, string function, string exceptionType);
}

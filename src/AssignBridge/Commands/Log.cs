namespace AssignBridge.Commands;

internal static partial class Log
{
    [LoggerMessage(1601, LogLevel.Information, "A chat caller in namespace {Namespace} is not mapped; the command was refused.")]
    public static partial void CallerUnmapped(ILogger logger, string @namespace);

    [LoggerMessage(1602, LogLevel.Error, "A chat caller in namespace {Namespace} could not be checked: the people table is unavailable.")]
    public static partial void CallerCheckFailed(ILogger logger, string @namespace);

    [LoggerMessage(1603, LogLevel.Information, "Command {DeliveryId} from {Source}: {Result}.")]
    public static partial void Intake(ILogger logger, string source, string deliveryId, string result);

    [LoggerMessage(1604, LogLevel.Warning, "Could not name the missing alert ids in space {Space}: {Failure}.")]
    public static partial void NotFoundLookupFailed(ILogger logger, string space, string failure);

    [LoggerMessage(1605, LogLevel.Information, "Command from {Source} not understood: {Count} problems.")]
    public static partial void NotUnderstood(ILogger logger, string source, int count);
}

namespace AssignBridge.People;

internal static partial class Log
{
    [LoggerMessage(2001, LogLevel.Information, "A person in namespace {Namespace} has no mapping.")]
    public static partial void Unmapped(ILogger logger, string @namespace);
    [LoggerMessage(2002, LogLevel.Error, "The people table could not be read for namespace {Namespace}: {Reason}.")]
    public static partial void LookupFailed(ILogger logger, string @namespace, string reason);
    [LoggerMessage(2003, LogLevel.Information, "A reverse look-up in namespace {Namespace} found the index entry missing or stale and rewrote it from the mappings.")]
    public static partial void ReverseIndexRepaired(ILogger logger, string @namespace);
}

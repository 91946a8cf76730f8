namespace AssignBridge.Kibana;

internal static partial class Log
{
    [LoggerMessage(3001, LogLevel.Warning, "Kibana answered 401 and the key source holds no newer key; check the Kibana API key secret.")]
    public static partial void KeyRejectedNoNewerKey(ILogger logger);
    [LoggerMessage(3002, LogLevel.Information, "Kibana answered 401; a newer API key was read and the request is sent once more.")]
    public static partial void KeyRotated(ILogger logger);
    [LoggerMessage(3003, LogLevel.Information, "Kibana {Space}: {Ids} alerts, +{Add} -{Remove} assignees: total {Total}, updated {Updated}, version conflicts {Conflicts}.")]
    public static partial void Applied(ILogger logger, string space, int ids, int add, int remove, long total, long updated, long conflicts);
    [LoggerMessage(3004, LogLevel.Warning, "Kibana {Space}: request for {Ids} alerts failed with status {Status} (retryable {Retryable}): {KibanaMessage}")]
    public static partial void Failed(ILogger logger, string space, int ids, int status, bool retryable, string kibanaMessage);
    [LoggerMessage(3005, LogLevel.Debug, "Kibana {Space}: {Changes} concurrent changes with the same assignees coalesced into {Requests} request(s) for {Ids} alerts.")]
    public static partial void Coalesced(ILogger logger, string space, int changes, int requests, int ids);
    [LoggerMessage(6001, LogLevel.Information, "Start-up check: the Kibana API key may assign alerts in space {Space}.")]
    public static partial void AccessConfirmed(ILogger logger, string space);
    [LoggerMessage(6002, LogLevel.Error, "Start-up check: assignments in space {Space} will fail. Kibana answered {KibanaStatus}: {Verdict}")]
    public static partial void AccessDenied(ILogger logger, string space, int kibanaStatus, string verdict);
}

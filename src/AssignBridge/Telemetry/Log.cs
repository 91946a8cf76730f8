namespace AssignBridge.Telemetry;

internal static partial class Log
{
    [LoggerMessage(6001, LogLevel.Information, "Start-up check: the Kibana API key may assign alerts in space {Space}.")]
    public static partial void AccessConfirmed(ILogger logger, string space);

    [LoggerMessage(6002, LogLevel.Error, "Start-up check: assignments in space {Space} will fail. Kibana answered {KibanaStatus}: {Verdict}")]
    public static partial void AccessDenied(ILogger logger, string space, int kibanaStatus, string verdict);
}

namespace AssignBridge.Platform.Telemetry;

/// <summary>The status words of a dependency check, as <c>/api/health</c> reports them.</summary>
internal static class DependencyStatus
{
    public const string Ok = "ok";
    public const string Failing = "failing";

    /// <summary>A check's own latency in its result data, when it reports one measured earlier (the start-up check's).</summary>
    public const string LatencyKey = "latencyMs";
}

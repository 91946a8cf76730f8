namespace AssignBridge.Platform.Telemetry;

/// <summary>The status words of a dependency check, as <c>/api/health</c> reports them.</summary>
internal static class DependencyStatus
{
    public const string Ok = "ok";
    public const string Failing = "failing";
}

namespace KibanaSimulator;

/// <summary>
/// Which <c>Authorization: ApiKey &lt;value&gt;</c> values the simulator accepts. Read once when the
/// simulator starts; later changes have no effect.
/// </summary>
public sealed class SimulatorOptions
{
    /// <summary>Keys with the <c>alerts-all</c> privilege: may set assignees and search.</summary>
    public IList<string> ApiKeys { get; } = [];

    /// <summary>Keys that authenticate but lack <c>alerts-all</c>: 403 on the assignees route, allowed to search.</summary>
    public IList<string> ReadOnlyApiKeys { get; } = [];
}

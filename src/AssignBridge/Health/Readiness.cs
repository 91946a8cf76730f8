using AssignBridge.Kibana;
using AssignBridge.Platform.Telemetry;





namespace AssignBridge.Health;

// The readiness verdict of /api/health: whether an assignment sent now would be applied. Storage, the key and
// Kibana must answer, and the start-up check must not have found the key wrong or short of privileges. A start-up
// check still running does not make the bridge unready: deliveries are journaled and retried in any case.
internal static class Readiness
{
    public static (bool Ready, string Verdict) Judge(IReadOnlyDictionary<string, DependencyHealth> checks)
    {
        var failing = checks.Where(c => c.Value.Status == DependencyStatus.Failing).Select(c => c.Key).ToList();
        if (failing.Count == 0)
        {
            return (true, checks.TryGetValue("kibanaAccess", out var access) && access.Status == AccessVerdict.Pending
                ? "ready; the Kibana privilege check has not finished yet"
                : "ready: assignments will be applied");
        }

        var causes = failing.Select(name => name switch
        {
            "table" => "Table Storage cannot be used, so deliveries cannot be journaled (senders get 503 and must retry)",
            "keyVault" => "the Kibana API key cannot be read",
            "kibana" => "Kibana does not answer with the key",
            "kibanaAccess" => "the Kibana key may not assign alerts (see kibanaAccess)",
            _ => $"{name} is failing",
        });
        return (false, "not ready: " + string.Join("; ", causes));
    }
}

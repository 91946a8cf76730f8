using System.Diagnostics.Metrics;
using System.Diagnostics;

namespace AssignBridge.Platform.Telemetry;

// The bridge's one ActivitySource and one Meter, both named "AssignBridge", and the
// few calls other features make into them. Tags carry names, ids and counts only: never a secret, a signature or
// a body. Everything here is cheap when nobody listens.
internal static class AssignBridgeTelemetry
{
    public const string Name = "AssignBridge";

    /// <summary>The Functions host's id of the invocation that forwarded the request (functions-isolated-worker.md "HTTP through the host").</summary>
    public const string InvocationIdHeader = "x-ms-invocation-id";

    public const string InvocationIdTag = "faas.invocation_id";

    public static readonly ActivitySource Source = new(Name, "1.0");

    public static readonly Meter Meter = new(Name, "1.0");

    private static readonly Counter<long> s_received = Meter.CreateCounter<long>("assignbridge.deliveries.received", "{delivery}", "Deliveries handed to the intake, by source.");
    private static readonly Counter<long> s_attempts = Meter.CreateCounter<long>("assignbridge.deliveries.attempts", "{attempt}", "Attempts at deliveries, by source and outcome (applied, retrying, rejected, dead).");
    private static readonly Counter<long> s_retries = Meter.CreateCounter<long>("assignbridge.deliveries.retries", "{attempt}", "Attempts that failed in a way that may pass and were scheduled again.");
    private static readonly Counter<long> s_dead = Meter.CreateCounter<long>("assignbridge.deliveries.dead", "{delivery}", "Deliveries that spent their attempts.");
    private static readonly Counter<long> s_unmapped = Meter.CreateCounter<long>("assignbridge.people.unmapped", "{person}", "People who resolved to no Kibana UID, by source.");
    private static readonly Counter<long> s_cache = Meter.CreateCounter<long>("assignbridge.cache.lookups", "{lookup}", "Cache look-ups by cache and result (hit, miss); the hit rate is hit / (hit + miss).");
    private static readonly Histogram<double> s_kibanaDuration = Meter.CreateHistogram<double>("assignbridge.kibana.duration", "ms", "Latency of each Kibana request, by route and status code.");
    private static readonly Counter<long> s_kibanaResponses = Meter.CreateCounter<long>("assignbridge.kibana.responses", "{response}", "Kibana answers by route and status code (0: no answer).");
    private static readonly Counter<long> s_driftFound = Meter.CreateCounter<long>("assignbridge.reconcile.drift.found", "{assignee}", "Bridge-managed assignees found missing in Kibana.");
    private static readonly Counter<long> s_driftRepaired = Meter.CreateCounter<long>("assignbridge.reconcile.drift.repaired", "{alert}", "Alerts whose missing assignee was put back.");
    private static readonly Counter<long> s_badBodies = Meter.CreateCounter<long>("assignbridge.requests.bad_body", "{request}", "Requests whose body could not be read, by route and status (408: it arrived slower than the minimum data rate).");
    private static readonly Counter<long> s_reconcileRuns = Meter.CreateCounter<long>("assignbridge.reconcile.runs", "{run}", "Reconciliation runs, by whether this instance held the lease.");

    // Opens the span of one stage of a delivery (intake, attempt) and a logging scope holding its delivery id and
    // source, so every log line written inside carries them. Dispose to close both.
    public static IDisposable Delivery(ILogger logger, string source, string deliveryId, int alerts, string stage)
    {
        if (stage == "intake")
        {
            s_received.Add(1, new KeyValuePair<string, object?>("source", source));
        }

        var activity = Source.StartActivity($"delivery.{stage}");
        activity?.SetTag("assignbridge.source", source);
        activity?.SetTag("assignbridge.delivery_id", deliveryId);
        activity?.SetTag("assignbridge.alerts", alerts);
        var scope = logger.BeginScope(new DeliveryScope(source, deliveryId));
        return new Both(activity, scope);
    }

    /// <summary>A span for a step inside a delivery (journal, people, Kibana); null when nobody listens.</summary>
    public static Activity? Step(string name) => Source.StartActivity(name);

    /// <summary>Counts the end of one attempt: its outcome, retries, dead deliveries and unmapped people.</summary>
    /// <param name="statusName">The journal's name of the status the attempt ended in ("retrying" and "dead" count as such).</param>
    public static void Attempted(string deliverySource, string statusName, int unmapped)
    {
        var source = new KeyValuePair<string, object?>("source", deliverySource);
        s_attempts.Add(1, source, new KeyValuePair<string, object?>("outcome", statusName));
        if (statusName == "retrying")
        {
            s_retries.Add(1, source);
        }
        else if (statusName == "dead")
        {
            s_dead.Add(1, source);
        }

        if (unmapped > 0)
        {
            s_unmapped.Add(unmapped, source);
        }

        Activity.Current?.SetTag("assignbridge.outcome", statusName);
    }

    public static void CacheLookup(string cache, bool hit) =>
        s_cache.Add(1, new KeyValuePair<string, object?>("cache", cache), new KeyValuePair<string, object?>("result", hit ? "hit" : "miss"));

    public static void KibanaAnswered(string route, int statusCode, TimeSpan elapsed)
    {
        var tags = new TagList { { "route", route }, { "http.response.status_code", statusCode } };
        s_kibanaDuration.Record(elapsed.TotalMilliseconds, tags);
        s_kibanaResponses.Add(1, tags);
    }

    public static void BadBody(string route, int statusCode) =>
        s_badBodies.Add(1, new KeyValuePair<string, object?>("http.route", route), new KeyValuePair<string, object?>("http.response.status_code", statusCode));

    public static void Reconciled(bool ran, (int Found, int Repaired)? drift)
    {
        s_reconcileRuns.Add(1, new KeyValuePair<string, object?>("ran", ran));
        if (drift is var (found, repaired))
        {
            s_driftFound.Add(found);
            s_driftRepaired.Add(repaired);
        }
    }

    /// <summary>The values of the logging scope; a list of pairs so every logging provider reads them as structured values.</summary>
    private sealed class DeliveryScope(string source, string deliveryId) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => 2;

        public KeyValuePair<string, object?> this[int index] => index switch
        {
            0 => new("DeliveryId", deliveryId),
            1 => new("Source", source),
            _ => throw new ArgumentOutOfRangeException(nameof(index)),
        };

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return this[0];
            yield return this[1];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => $"DeliveryId:{deliveryId} Source:{source}";
    }

    private sealed class Both(Activity? activity, IDisposable? scope) : IDisposable
    {
        public void Dispose()
        {
            scope?.Dispose();
            activity?.Dispose();
        }
    }
}

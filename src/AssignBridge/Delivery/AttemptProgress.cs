using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using AssignBridge.Assignments;

namespace AssignBridge.Delivery;

// What one attempt at a delivery has done so far, kept by the caller so that it survives the attempt being cut
// off: the Kibana requests applied and recorded (by key, so a later attempt skips them), what they applied (carried
// in the journal row with the outcome until their rows are written), the ticket event to remember, and the step it
// is on, which names the cause when the attempt runs out of time.
internal sealed class AttemptProgress(IEnumerable<string>? doneBefore = null, IEnumerable<AppliedEffect>? carried = null, int effectBudget = 0)
{
    private readonly ConcurrentDictionary<string, bool> _done = new((doneBefore ?? []).Select(k => KeyValuePair.Create(k, true)), StringComparer.Ordinal);
    private readonly ConcurrentQueue<AppliedEffect> _effects = new(carried ?? []);
    private readonly ConcurrentDictionary<string, bool> _fresh = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<IDisposable> _holds = new();
    private int _effectBytes = (carried ?? []).Sum(e => e.EstimatedBytes);

    /// <summary>The effects the journal row is to carry: those an earlier attempt left unwritten, then this attempt's.</summary>
    public IReadOnlyList<AppliedEffect> Effects => [.. _effects];

    /// <summary>Keys of the effects this attempt applied.</summary>
    public IReadOnlySet<string> Fresh => _fresh.Keys.ToHashSet(StringComparer.Ordinal);

    /// <summary>What keeps this attempt's effects visible to readers until their rows are written.</summary>
    public IReadOnlyList<IDisposable> Holds => [.. _holds];

    /// <summary>The ticket event to remember as its newest applied one, with the outcome; null for none.</summary>
    public TicketOutcome? Ticket { get; set; }

    /// <summary>Takes <paramref name="effect"/> to carry in the journal row; false when the row has no room left for it (its rows are then written first).</summary>
    public bool TryCarry(AppliedEffect effect, Func<IDisposable> hold)
    {
        if (Interlocked.Add(ref _effectBytes, effect.EstimatedBytes) > effectBudget)
        {
            Interlocked.Add(ref _effectBytes, -effect.EstimatedBytes);
            return false;
        }

        _effects.Enqueue(effect);
        _fresh[effect.Key] = true;
        _holds.Enqueue(hold());
        return true;
    }

    /// <summary>Lets go of the holds when no projection will write the effects (the outcome was not written).</summary>
    public void Release()
    {
        while (_holds.TryDequeue(out var hold))
        {
            hold.Dispose();
        }
    }
    private volatile string _step = "starting";

    /// <summary>Keys of the requests applied and recorded, by this attempt or an earlier one.</summary>
    public IReadOnlyCollection<string> Done => [.. _done.Keys];

    public string Step => _step;

    /// <summary>Requests the plan holds, those done before included.</summary>
    public int Planned { get; set; }

    private int _doneNow;

    /// <summary>Requests applied and recorded by this attempt.</summary>
    public int DoneNow => Volatile.Read(ref _doneNow);

    public bool IsDone(string key) => _done.ContainsKey(key);

    public void MarkDone(string key)
    {
        if (_done.TryAdd(key, true))
        {
            Interlocked.Increment(ref _doneNow);
        }
    }

    public void At(string step) => _step = step;

    /// <summary>A request's identity across attempts: its space, add and remove sets and alert ids.</summary>
    public static string KeyOf(KibanaOperation operation)
    {
        var text = string.Join('\u001e', operation.Space, string.Join('\u001f', operation.Add.Order(StringComparer.Ordinal)),
            string.Join('\u001f', operation.Remove.Order(StringComparer.Ordinal)), string.Join('\u001f', operation.AlertIds));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }
}

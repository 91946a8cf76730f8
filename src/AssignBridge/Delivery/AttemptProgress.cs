using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using AssignBridge.Assignments;

namespace AssignBridge.Delivery;

// What one attempt at a delivery has done so far, kept by the caller so that it survives the attempt being cut
// off: the Kibana requests applied and recorded (by key, so a later attempt skips them), and the step it is on,
// which names the cause when the attempt runs out of time.
internal sealed class AttemptProgress(IEnumerable<string>? doneBefore = null)
{
    private readonly ConcurrentDictionary<string, bool> _done = new((doneBefore ?? []).Select(k => KeyValuePair.Create(k, true)), StringComparer.Ordinal);
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

namespace AssignBridge.Delivery;

// What one Kibana request applied, with Kibana's answer. The journal row carries it (written with the outcome, in the
// same request) until EffectProjector has written its managed-assignee and audit rows, so those rows cost the sender
// no wait and are never lost: a projection cut off is finished by the reconcile sweep from the row.
internal sealed record AppliedEffect(
    string Key,
    string Space,
    IReadOnlyList<string> AlertIds,
    IReadOnlyList<string> Add,
    IReadOnlyList<string> Remove,
    DateTimeOffset At,
    long Total,
    long Updated,
    long VersionConflicts,
    long Noops,
    int Failures)
{
    /// <summary>About how many bytes the effect takes in the journal row's JSON (an upper bound for ASCII ids).</summary>
    public int EstimatedBytes => 200 + Key.Length + Space.Length + AlertIds.Sum(a => a.Length + 3) + Add.Sum(u => u.Length + 3) + Remove.Sum(u => u.Length + 3);
}

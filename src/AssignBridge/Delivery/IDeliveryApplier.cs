using AssignBridge.Assignments;

namespace AssignBridge.Delivery;

/// <summary>
/// Applies the deliveries of one source somewhere other than Kibana (two-way sync's ticket writes). The pipeline
/// journals, claims, retries, dead-letters and replays them as it does Kibana's; only the attempt itself is this.
/// </summary>
internal interface IDeliveryApplier
{
    /// <summary>The journal source whose deliveries it applies.</summary>
    string Source { get; }

    /// <summary>One attempt. A failure that may pass throws (classified like a Kibana failure); one that cannot returns or throws <see cref="InvalidDataException"/>.</summary>
    Task<AssignmentOutcome> ApplyAsync(AssignmentIntent intent, CancellationToken cancellationToken);
}

/// <summary>Told of every applied delivery's effects, with the managed-assignee and audit rows (off the sender's wait); a throw leaves them to the reconcile sweep.</summary>
internal interface IAppliedEffectsObserver
{
    Task AppliedAsync(AssignmentIntent intent, IReadOnlyList<AppliedEffect> effects, CancellationToken cancellationToken);
}

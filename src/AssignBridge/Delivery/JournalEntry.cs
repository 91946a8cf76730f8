using System.Text.Json.Serialization;
using AssignBridge.Assignments;
using Azure;

namespace AssignBridge.Delivery;

internal enum DeliveryStatus
{
    Pending,
    Applied,
    Retrying,
    Rejected,
    Dead,
}

// One accepted delivery as the journal holds it. ETag guards every change. Attempts
// counts attempts begun (a claim counts one). Done holds the keys of the Kibana requests an earlier
// attempt applied and recorded, which a later attempt does not send again.
internal sealed record JournalEntry(
    AssignmentIntent Intent,
    DeliveryStatus Status,
    int Attempts,
    DateTimeOffset RecordedAt,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset ClaimedUntil,
    string? LastError,
    string BodyHash,
    ETag ETag)
{
    public IReadOnlyList<string> Done { get; init; } = [];

    /// <summary>What the applied requests did, carried until their managed-assignee and audit rows are written (<see cref="Projected"/>).</summary>
    public IReadOnlyList<AppliedEffect> Effects { get; init; } = [];

    /// <summary>False while the rows of <see cref="Effects"/> may still be unwritten.</summary>
    public bool Projected { get; init; } = true;

    /// <summary>The size of the recorded intent, which bounds the effects the row can carry besides it.</summary>
    public int IntentBytes { get; init; }

    public string Source => Intent.Source;

    public string DeliveryId => Intent.DeliveryId;

    public static string StatusName(DeliveryStatus status) => status.ToString().ToLowerInvariant();
}

/// <summary>The serialized form of an intent inside a journal row.</summary>
[JsonSerializable(typeof(AssignmentIntent))]
[JsonSerializable(typeof(IReadOnlyList<AppliedEffect>))]
internal sealed partial class JournalJsonContext : JsonSerializerContext;

using System.Text.Json.Serialization;
using AssignBridge.Assignments;

namespace AssignBridge.Ingress;

// What a ticketing sender is told. Every journaled delivery gets a 2xx whatever became of it (the sender retrying
// cannot help; the body says what happened), and so does an event the bridge ignores, with the reason.
internal sealed record WebhookAnswer(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("deliveryId")] string? DeliveryId = null,
    [property: JsonPropertyName("reason")] string? Reason = null,
    [property: JsonPropertyName("journalStatus")] string? JournalStatus = null,
    [property: JsonPropertyName("attempts")] int? Attempts = null,
    [property: JsonPropertyName("nextAttemptAt")] DateTimeOffset? NextAttemptAt = null,
    [property: JsonPropertyName("spaces")] IReadOnlyList<SpaceOutcome>? Spaces = null,
    [property: JsonPropertyName("people")] IReadOnlyList<ResolvedPerson>? People = null,
    [property: JsonPropertyName("unresolved")] IReadOnlyList<UnresolvedPerson>? Unresolved = null,
    [property: JsonPropertyName("notes")] IReadOnlyList<string>? Notes = null,
    [property: JsonPropertyName("plan")] IReadOnlyList<KibanaOperation>? Plan = null)
{
    public const string Ignored = "ignored";

    /// <summary>The source is in dry run: nothing was journaled or sent to Kibana; <see cref="Plan"/> says what would be.</summary>
    public const string DryRun = "dry-run";
}

using System.Text.Json.Serialization;
using System.Text.Json;

namespace AssignBridge.Delivery;

/// <summary>
/// One queue message: which journal row to attempt. The row is the record; the message only says "look at it", so a
/// lost message is re-sent by the reconcile sweep and a duplicate is harmless (every attempt claims the row first).
/// </summary>
/// <param name="Early">Attempt at once even though the row's next attempt is later (a follow-up after an attempt that merely ran out of time).</param>
/// <param name="FollowUp">Who to tell the outcome, when the sender waits for a later answer (a Slack response_url).</param>
internal sealed record DeliveryMessage(
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("deliveryId")] string DeliveryId,
    [property: JsonPropertyName("early")] bool Early = false,
    [property: JsonPropertyName("followUp")] FollowUpNote? FollowUp = null)
{
    public string ToJson() => JsonSerializer.Serialize(this, DeliveryMessageJsonContext.Default.DeliveryMessage);

    /// <summary>The message, or null when the text is not one (a message nobody of ours wrote).</summary>
    public static DeliveryMessage? Parse(string text)
    {
        try
        {
            return JsonSerializer.Deserialize(text, DeliveryMessageJsonContext.Default.DeliveryMessage) is { Source.Length: > 0, DeliveryId.Length: > 0 } message
                ? message
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

// A later answer owed to a sender. Kind names the IDeliveryFollowUp that gives it;
// Target and State are that follow-up's own (the pipeline does not read them).
internal sealed record FollowUpNote(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("target")] string Target,
    [property: JsonPropertyName("until")] DateTimeOffset Until,
    [property: JsonPropertyName("state")] string? State);

// A way in that answers its sender later (Slack's response_url). The queue handler calls it when a delivery with its
// note ends, or when the note's time runs out first. It must not throw for a failed post: it logs it.
internal interface IDeliveryFollowUp
{
    string Kind { get; }

    /// <summary>The delivery ended (applied, rejected or dead): <paramref name="attempt"/> is the attempt that ended it, or null when the journal already held the end.</summary>
    Task ReportAsync(FollowUpNote note, JournalEntry entry, AttemptResult? attempt, CancellationToken cancellationToken);

    /// <summary>The note's time ran out while the delivery is still being retried; the bridge carries on without a follow-up.</summary>
    Task ReportStillPendingAsync(FollowUpNote note, JournalEntry entry, CancellationToken cancellationToken);
}

[JsonSerializable(typeof(DeliveryMessage))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault)]
internal sealed partial class DeliveryMessageJsonContext : JsonSerializerContext;

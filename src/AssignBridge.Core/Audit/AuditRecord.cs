using System.Text.Json.Serialization;

namespace AssignBridge.Audit;

// One Kibana request the bridge made for a delivery, as operators read it back: which alerts of which space, which
// UIDs were added and removed, what caused it (source, delivery, ticket or reference, who asked), when, and what
// Kibana answered. Queried per alert the list of alerts holds that alert; per ticket it holds the request's alerts
// (at most MaxAlertIdsKept; alertCount says how many there were).
internal sealed record AuditRecord(
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("result")] string Result,
    [property: JsonPropertyName("space")] string Space,
    [property: JsonPropertyName("alerts")] IReadOnlyList<string> Alerts,
    [property: JsonPropertyName("alertCount")] int AlertCount,
    [property: JsonPropertyName("added")] IReadOnlyList<string> Added,
    [property: JsonPropertyName("removed")] IReadOnlyList<string> Removed,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("deliveryId")] string DeliveryId,
    [property: JsonPropertyName("ticket")] string? Ticket,
    [property: JsonPropertyName("reference")] string? Reference,
    [property: JsonPropertyName("requestedBy")] string? RequestedBy,
    [property: JsonPropertyName("kibana")] KibanaAnswer Kibana)
{
    public const string Applied = "applied";
    public const string Failed = "failed";

    /// <summary>A dry run's request: planned, not sent.</summary>
    public const string Planned = "planned";

    /// <summary>Two-way sync: the alerts of a ticket disagreed about its assignee; nothing was written.</summary>
    public const string Conflict = "conflict";

    /// <summary>Two-way sync: the ticket's assignee changed after Kibana was read; the ticket was left as it is.</summary>
    public const string Superseded = "superseded";

    /// <summary>For a ticket write of two-way sync: what was written to which ticketing system; null for a Kibana request.</summary>
    [JsonPropertyName("ticketWrite")]
    public TicketWriteAnswer? TicketWrite { get; init; }
}

/// <summary>A ticket write of two-way sync: the system, the assignee written (its id there; null: nobody) and what came of it.</summary>
internal sealed record TicketWriteAnswer(
    [property: JsonPropertyName("system")] string System,
    [property: JsonPropertyName("assignee")] string? Assignee,
    [property: JsonPropertyName("message")] string? Message);

/// <summary>Kibana's answer: the update-by-query counts when it applied, its status and message when it refused.</summary>
internal sealed record KibanaAnswer(
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("total")] long? Total,
    [property: JsonPropertyName("updated")] long? Updated,
    [property: JsonPropertyName("versionConflicts")] long? VersionConflicts,
    [property: JsonPropertyName("noops")] long? Noops,
    [property: JsonPropertyName("failures")] int? Failures,
    [property: JsonPropertyName("message")] string? Message);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<AuditRecord>))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class AuditJsonContext : JsonSerializerContext;

using System.Text.Json.Serialization;
using System.Text.Json;

namespace AssignBridge.Sources.ServiceNow;

// The bridge's own contract for ServiceNow (ServiceNow has no standard webhook format; docs/senders/servicenow.md), version 1.
// assigned_to must be present (null when unassigned); previous_assigned_to absent means "not known"
// (an async Business Rule or a Flow has no previous record), null means "nobody was assigned".
internal sealed record ServiceNowPayload(
    [property: JsonPropertyName("version")] int? Version,
    [property: JsonPropertyName("table")] string? Table,
    [property: JsonPropertyName("sys_id")] string? SysId,
    [property: JsonPropertyName("number")] string? Number,
    [property: JsonPropertyName("sys_mod_count"), JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)] long? SysModCount,
    [property: JsonPropertyName("sys_updated_on")] string? SysUpdatedOn,
    [property: JsonPropertyName("sent_at")] string? SentAt,
    [property: JsonPropertyName("assigned_to")] JsonElement AssignedTo,
    [property: JsonPropertyName("previous_assigned_to")] JsonElement PreviousAssignedTo,
    [property: JsonPropertyName("correlation_id")] string? CorrelationId,
    [property: JsonPropertyName("alert_ids")] IReadOnlyList<string>? AlertIds,
    [property: JsonPropertyName("space")] string? Space,
    [property: JsonPropertyName("updated_by")] string? UpdatedBy);

/// <summary>A <c>sys_user</c> as the Business Rule sends it: any of its sys_id, user_name and email (empty strings count as absent).</summary>
internal sealed record ServiceNowUser(
    [property: JsonPropertyName("sys_id")] string? SysId,
    [property: JsonPropertyName("user_name")] string? UserName,
    [property: JsonPropertyName("email")] string? Email);

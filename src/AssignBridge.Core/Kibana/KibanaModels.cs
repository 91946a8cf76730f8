using System.Text.Json.Serialization;

namespace AssignBridge.Kibana;

/// <summary>The body of <c>POST /api/detection_engine/signals/assignees</c> (SetAlertAssigneesBody).</summary>
internal sealed record SetAlertAssigneesBody(
    [property: JsonPropertyName("assignees")] AlertAssignees Assignees,
    [property: JsonPropertyName("ids")] IReadOnlyList<string> Ids);

internal sealed record AlertAssignees(
    [property: JsonPropertyName("add")] IReadOnlyList<string> Add,
    [property: JsonPropertyName("remove")] IReadOnlyList<string> Remove);

/// <summary>Kibana answers the assignees route with Elasticsearch's raw update-by-query response.</summary>
internal sealed record UpdateByQueryResponse
{
    // Every update-by-query answer carries these two; a 200 without them did not come from Kibana's route.
    [JsonPropertyName("total")]
    [JsonRequired]
    public long Total { get; init; }

    [JsonPropertyName("updated")]
    [JsonRequired]
    public long Updated { get; init; }

    [JsonPropertyName("version_conflicts")]
    public long VersionConflicts { get; init; }

    [JsonPropertyName("noops")]
    public long Noops { get; init; }

    [JsonPropertyName("timed_out")]
    public bool TimedOut { get; init; }

    [JsonPropertyName("failures")]
    public IReadOnlyList<System.Text.Json.JsonElement>? Failures { get; init; }
}

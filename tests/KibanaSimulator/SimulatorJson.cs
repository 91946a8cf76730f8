using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace KibanaSimulator;

/// <summary>Boom body, Kibana core's error shape (facts file section 4, shape A).</summary>
internal sealed record BoomError(
    [property: JsonPropertyName("statusCode")] int StatusCode,
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("message")] string Message);

/// <summary>SIEM body, Security Solution's error shape (facts file section 4, shape B); message is a string or an array.</summary>
internal sealed record SiemError(
    [property: JsonPropertyName("message")] JsonNode Message,
    [property: JsonPropertyName("status_code")] int StatusCode);

/// <summary>Elasticsearch's update-by-query response, returned as-is by the assignees route (facts file section 1 "Response body").</summary>
internal sealed record UpdateByQueryResponse(
    [property: JsonPropertyName("took")] long Took,
    [property: JsonPropertyName("timed_out")] bool TimedOut,
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("updated")] int Updated,
    [property: JsonPropertyName("deleted")] int Deleted,
    [property: JsonPropertyName("batches")] int Batches,
    [property: JsonPropertyName("version_conflicts")] int VersionConflicts,
    [property: JsonPropertyName("noops")] int Noops,
    [property: JsonPropertyName("retries")] UpdateByQueryRetries Retries,
    [property: JsonPropertyName("throttled_millis")] long ThrottledMillis,
    [property: JsonPropertyName("requests_per_second")] int RequestsPerSecond,
    [property: JsonPropertyName("throttled_until_millis")] long ThrottledUntilMillis,
    [property: JsonPropertyName("failures")] IReadOnlyList<string> Failures);

internal sealed record UpdateByQueryRetries(
    [property: JsonPropertyName("bulk")] int Bulk,
    [property: JsonPropertyName("search")] int Search);

/// <summary>One alert in a seed file, in <c>PUT /_simulator/alerts</c>, and in <c>GET /_simulator/alerts</c>.</summary>
internal sealed record SeedAlertPayload(
    [property: JsonPropertyName("space")] string? Space,
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("assignees")] IReadOnlyList<string>? Assignees);

/// <summary>Body of <c>POST /_simulator/faults</c>.</summary>
internal sealed record FaultsPayload(
    [property: JsonPropertyName("latencyMs")] int? LatencyMs,
    [property: JsonPropertyName("failNext")] FailNextPayload? FailNext,
    [property: JsonPropertyName("dropNext")] int? DropNext);

internal sealed record FailNextPayload(
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("shape")] string? Shape,
    [property: JsonPropertyName("retryAfterSeconds")] double? RetryAfterSeconds);

[JsonSourceGenerationOptions(ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(BoomError))]
[JsonSerializable(typeof(SiemError))]
[JsonSerializable(typeof(UpdateByQueryResponse))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(List<SeedAlertPayload>))]
[JsonSerializable(typeof(FaultsPayload))]
[JsonSerializable(typeof(IReadOnlyList<UserProfilePayload>))]
internal sealed partial class SimulatorJsonContext : JsonSerializerContext
{
    /// <summary>
    /// Kibana answers with JSON.stringify, which escapes only quotes, backslashes and control
    /// characters; the default encoder would also turn <c>"</c> into <c>\u0022</c>, so bodies would
    /// differ byte-wise from Kibana's (e.g. the duplicate-assignees message).
    /// </summary>
    public static SimulatorJsonContext Wire { get; } = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}

using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace KibanaSimulator;

/// <summary>
/// <c>POST [/s/{space}]/api/detection_engine/signals/search</c> (<c>query_signals_route.ts</c>,
/// facts file section 2): validates the body, searches the space's alerts index and returns the raw
/// Elasticsearch response. Only the query clauses a client needs to read assignees are understood.
/// </summary>
internal static class SearchEndpoint
{
    internal const string Path = "/api/detection_engine/signals/search";

    internal const string AssigneesField = "kibana.alert.workflow_assignee_ids";

    // Elasticsearch's default `size`.
    private const int DefaultSize = 10;

    // The handler's own check, SIEM shape: one of these must be present (facts file section 2).
    private static readonly string[] s_children = ["query", "aggs", "_source", "fields", "track_total_hits", "size", "sort"];

    internal static async Task<IResult> HandleAsync(HttpContext context, KibanaState state, KibanaGate gate)
    {
        // Read-only keys may search: only the assignees route needs alerts-all.
        if (gate.CheckVersionedPost(context, Path, requiresAlertsAll: false) is { } refusal)
        {
            return refusal;
        }

        var (document, invalidJson) = await RequestBody.ReadJsonAsync(context);
        if (invalidJson)
        {
            return KibanaErrors.InvalidJson();
        }

        using (document)
        {
            var issues = new ZodIssues();
            Validate(document?.RootElement, issues);
            if (issues.Any)
            {
                return KibanaErrors.Boom(StatusCodes.Status400BadRequest, issues.ToRequestBodyMessage());
            }

            var body = document!.RootElement;
            if (!s_children.Any(name => ZodIssues.Property(body, name) is { ValueKind: not JsonValueKind.Null }))
            {
                return KibanaErrors.Siem(StatusCodes.Status400BadRequest, "\"value\" must have at least 1 children");
            }

            if (ZodIssues.Property(body, "aggs") is { } aggs && aggs.EnumerateObject().Any())
            {
                return KibanaErrors.Siem(StatusCodes.Status400BadRequest, "simulator: aggregations are not supported");
            }

            Func<AlertSnapshot, bool> matches = _ => true;
            if (ZodIssues.Property(body, "query") is { } query && !AlertQuery.TryCompile(query, out matches, out var error))
            {
                // What transformError makes of an Elasticsearch parsing_exception.
                return KibanaErrors.Siem(StatusCodes.Status400BadRequest, error);
            }

            var space = SpaceIds.FromRoute(context);
            var alerts = state.Snapshot(space);
            var found = alerts.Where(matches).ToList();
            var size = ZodIssues.Property(body, "size")?.GetInt32() ?? DefaultSize;
            var sourceFilter = SourceFilter(ZodIssues.Property(body, "_source"));
            var fields = ZodIssues.Property(body, "fields")?.EnumerateArray().Select(f => f.GetString()!).ToList();

            var hits = new JsonObject();
            if (ZodIssues.Property(body, "track_total_hits")?.ValueKind != JsonValueKind.False)
            {
                hits["total"] = new JsonObject { ["value"] = found.Count, ["relation"] = "eq" };
            }

            hits["max_score"] = null;
            hits["hits"] = new JsonArray([.. found.Take(size).Select(alert => Hit(alert, sourceFilter, fields))]);

            // With ignore_unavailable, a space that has no alerts index searches zero shards.
            var shards = alerts.Count == 0 ? 0 : 1;
            return TypedResults.Json(
                new JsonObject
                {
                    ["took"] = 1,
                    ["timed_out"] = false,
                    ["_shards"] = new JsonObject { ["total"] = shards, ["successful"] = shards, ["skipped"] = 0, ["failed"] = 0 },
                    ["hits"] = hits,
                },
                SimulatorJsonContext.Wire.JsonObject);
        }
    }

    /// <summary>The alert document's flat-keyed <c>_source</c>; the assignee field is absent until first assigned.</summary>
    internal static IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> Source(AlertSnapshot alert)
    {
        yield return new("kibana.alert.uuid", [alert.Id]);
        yield return new("kibana.space_ids", [alert.Space]);
        if (alert.Assignees is { } assignees)
        {
            yield return new(AssigneesField, assignees);
        }
    }

    private static JsonObject Hit(AlertSnapshot alert, Func<string, bool>? sourceFilter, List<string>? fields)
    {
        var hit = new JsonObject
        {
            ["_index"] = $".internal.alerts-security.alerts-{alert.Space}-000001",
            ["_id"] = alert.Id,
            ["_score"] = null,
        };
        if (sourceFilter is not null)
        {
            hit["_source"] = ToObject(Source(alert).Where(field => sourceFilter(field.Key)));
        }

        // The fields option returns only fields that have values, and no `fields` key at all when none do.
        var fieldValues = fields is null ? [] : Source(alert)
            .Where(field => field.Value.Count > 0 && fields.Any(pattern => Glob(pattern, field.Key)))
            .ToList();
        if (fieldValues.Count > 0)
        {
            hit["fields"] = ToObject(fieldValues);
        }

        return hit;
    }

    /// <summary>
    /// <c>_source</c>: absent or true = everything, false = no <c>_source</c> (null filter), a string
    /// or array = include patterns; a pattern also includes dotted keys below it.
    /// </summary>
    private static Func<string, bool>? SourceFilter(JsonElement? source)
    {
        if (source is null || source.Value.ValueKind is JsonValueKind.True or JsonValueKind.Null)
        {
            return _ => true;
        }

        if (source.Value.ValueKind == JsonValueKind.False)
        {
            return null;
        }

        var patterns = source.Value.ValueKind == JsonValueKind.String
            ? [source.Value.GetString()!]
            : source.Value.EnumerateArray().Select(p => p.GetString()!).ToList();
        return patterns.Count == 0
            ? _ => true
            : key => patterns.Any(p => Glob(p, key) || key.StartsWith(p + ".", StringComparison.Ordinal));
    }

    private static bool Glob(string pattern, string key) =>
        pattern.Contains('*', StringComparison.Ordinal)
            ? Regex.IsMatch(key, "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant)
            : pattern == key;

    private static JsonObject ToObject(IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> fields) =>
        new(fields.Select(f => KeyValuePair.Create<string, JsonNode?>(f.Key, new JsonArray([.. f.Value.Select(v => JsonValue.Create(v))]))));

    // QuerySignalsBody (facts file section 2): every member optional, types as the OpenAPI schema.
    private static void Validate(JsonElement? body, ZodIssues issues)
    {
        if (body is not { ValueKind: JsonValueKind.Object } root)
        {
            issues.InvalidType("", "object", body);
            return;
        }

        foreach (var name in (string[])["query", "aggs", "runtime_mappings"])
        {
            if (ZodIssues.Property(root, name) is { ValueKind: not JsonValueKind.Object } value)
            {
                issues.InvalidType(name, "object", value);
            }
        }

        if (ZodIssues.Property(root, "size") is { } size)
        {
            if (size.ValueKind != JsonValueKind.Number)
            {
                issues.InvalidType("size", "number", size);
            }
            else if (!size.TryGetInt32(out var count))
            {
                issues.InvalidType("size", "int", size);
            }
            else if (count < 0)
            {
                issues.Add("size", "Too small: expected number to be >=0");
            }
        }

        foreach (var name in (string[])["track_total_hits", "include_attacks"])
        {
            if (ZodIssues.Property(root, name) is { ValueKind: not (JsonValueKind.True or JsonValueKind.False) } value)
            {
                issues.InvalidType(name, "boolean", value);
            }
        }

        if (ZodIssues.Property(root, "fields") is { } fields)
        {
            issues.Strings(fields, "fields");
        }

        // Unions (zod reports only "Invalid input" for the union's path).
        if (ZodIssues.Property(root, "_source") is { } source && !(source.ValueKind is JsonValueKind.True or JsonValueKind.False or JsonValueKind.String
            || (source.ValueKind == JsonValueKind.Array && source.EnumerateArray().All(s => s.ValueKind == JsonValueKind.String))))
        {
            issues.Add("_source", "Invalid input");
        }

        if (ZodIssues.Property(root, "sort") is { ValueKind: not (JsonValueKind.String or JsonValueKind.Object or JsonValueKind.Array) })
        {
            issues.Add("sort", "Invalid input");
        }
    }
}

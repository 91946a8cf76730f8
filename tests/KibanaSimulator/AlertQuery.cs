using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace KibanaSimulator;

/// <summary>
/// The slice of the Elasticsearch query DSL a client needs to read assignees (facts file section 2
/// "Recommended body"): <c>bool</c> (filter/must/should/must_not, object or array), <c>ids</c>,
/// <c>term</c>, <c>terms</c>, <c>exists</c>, <c>match_all</c>, <c>match_none</c>. Fields are the
/// alert's flat <c>_source</c> keys plus <c>_id</c>.
/// </summary>
internal static class AlertQuery
{
    internal static bool TryCompile(JsonElement query, out Func<AlertSnapshot, bool> predicate, [NotNullWhen(false)] out string? error)
    {
        predicate = _ => false;
        if (query.ValueKind != JsonValueKind.Object || query.EnumerateObject().Count() != 1)
        {
            error = "parsing_exception: [_na] query malformed, must start with start_object and hold exactly one query";
            return false;
        }

        var clause = query.EnumerateObject().Single();
        var body = clause.Value;
        error = null;
        switch (clause.Name)
        {
            case "match_all":
                predicate = _ => true;
                return true;
            case "match_none":
                return true;
            case "ids" when ZodIssues.Property(body, "values") is { ValueKind: JsonValueKind.Array } values:
                var ids = values.EnumerateArray().Select(Text).ToHashSet(StringComparer.Ordinal);
                predicate = alert => ids.Contains(alert.Id);
                return true;
            case "term" when SingleField(body) is { } term && TermValue(term.Value) is { } expected:
                predicate = alert => Values(alert, term.Name).Contains(expected);
                return true;
            case "terms" when SingleField(body) is { Value.ValueKind: JsonValueKind.Array } terms:
                var accepted = terms.Value.EnumerateArray().Select(Text).ToHashSet(StringComparer.Ordinal);
                predicate = alert => Values(alert, terms.Name).Any(accepted.Contains);
                return true;
            case "exists" when ZodIssues.Property(body, "field") is { ValueKind: JsonValueKind.String } field:
                var name = field.GetString()!;
                predicate = alert => Values(alert, name).Any();
                return true;
            case "bool" when body.ValueKind == JsonValueKind.Object:
                return TryCompileBool(body, out predicate, out error);
            case "match_all" or "match_none" or "ids" or "term" or "terms" or "exists" or "bool":
                error = $"parsing_exception: [{clause.Name}] query malformed";
                return false;
            default:
                error = $"parsing_exception: unknown query [{clause.Name}] (the simulator understands bool, ids, term, terms, exists, match_all, match_none)";
                return false;
        }
    }

    private static bool TryCompileBool(JsonElement body, out Func<AlertSnapshot, bool> predicate, [NotNullWhen(false)] out string? error)
    {
        predicate = _ => false;
        var compiled = new Dictionary<string, List<Func<AlertSnapshot, bool>>>(StringComparer.Ordinal);
        foreach (var occur in (string[])["filter", "must", "should", "must_not"])
        {
            var clauses = compiled[occur] = [];
            if (ZodIssues.Property(body, occur) is not { } value)
            {
                continue;
            }

            var queries = value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().ToList() : [value];
            foreach (var query in queries)
            {
                if (!TryCompile(query, out var clause, out error))
                {
                    return false;
                }

                clauses.Add(clause);
            }
        }

        var all = compiled["filter"].Concat(compiled["must"]).ToList();
        var should = compiled["should"];
        var mustNot = compiled["must_not"];

        // Without filter/must, at least one should clause has to match (minimum_should_match defaults to 1).
        var shouldRequired = all.Count == 0 && should.Count > 0;
        predicate = alert => all.All(q => q(alert))
            && !mustNot.Any(q => q(alert))
            && (!shouldRequired || should.Any(q => q(alert)));
        error = null;
        return true;
    }

    private static JsonProperty? SingleField(JsonElement body) =>
        body.ValueKind == JsonValueKind.Object && body.EnumerateObject().Where(p => p.Name != "boost").ToList() is [var field]
            ? field
            : null;

    private static IEnumerable<string> Values(AlertSnapshot alert, string field) =>
        field == "_id" ? [alert.Id] : SearchEndpoint.Source(alert).Where(f => f.Key == field).SelectMany(f => f.Value);

    // `{"field": "x"}` or `{"field": {"value": "x"}}`.
    private static string? TermValue(JsonElement term) => term.ValueKind switch
    {
        JsonValueKind.Object => ZodIssues.Property(term, "value") is { } value ? TermValue(value) : null,
        JsonValueKind.Array or JsonValueKind.Null => null,
        _ => Text(term),
    };

    // keyword fields compare as strings; numbers and booleans given as term values are coerced.
    private static string Text(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
}

using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace KibanaSimulator;

/// <summary>
/// <c>POST [/s/{space}]/api/detection_engine/signals/assignees</c>, as
/// <c>set_alert_assignees_route.ts</c> and <c>update_alerts_assignees.ts</c> do it (facts file section 1).
/// </summary>
internal static class AssigneesEndpoint
{
    internal const string Path = "/api/detection_engine/signals/assignees";

    // Elasticsearch's update-by-query scrolls 1000 documents per batch by default.
    private const int ScrollSize = 1000;

    internal static async Task<IResult> HandleAsync(HttpContext context, KibanaState state, KibanaGate gate)
    {
        var started = Stopwatch.GetTimestamp();
        if (gate.CheckVersionedPost(context, Path, requiresAlertsAll: true) is { } refusal)
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
            var request = Validate(document?.RootElement, issues);
            if (request is null)
            {
                return KibanaErrors.Boom(StatusCodes.Status400BadRequest, issues.ToRequestBodyMessage());
            }

            // Section 1 "Same assignee in both add and remove": the handler's own check, after the
            // schema, in SIEM shape with an array message. It filters the raw (not yet uniq'd) add list.
            var duplicates = request.Add.Where(request.Remove.Contains).ToList();
            if (duplicates.Count > 0)
            {
                return KibanaErrors.Siem(
                    StatusCodes.Status400BadRequest,
                    [$"Duplicate assignees {JavaScriptStringify(duplicates)} were found in the add and remove parameters."]);
            }

            var add = Uniq(request.Add);
            var remove = Uniq(request.Remove);
            var matched = state.UpdateAssignees(SpaceIds.FromRoute(context), request.Ids, current => RunScript(current, add, remove));

            // The script never sets ctx.op = 'noop', so every matched alert counts as updated.
            var took = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            return TypedResults.Json(
                new UpdateByQueryResponse(
                    took, TimedOut: false, Total: matched, Updated: matched, Deleted: 0,
                    Batches: (matched + ScrollSize - 1) / ScrollSize, VersionConflicts: 0, Noops: 0,
                    new UpdateByQueryRetries(0, 0), ThrottledMillis: 0, RequestsPerSecond: -1,
                    ThrottledUntilMillis: 0, Failures: []),
                SimulatorJsonContext.Wire.UpdateByQueryResponse);
        }
    }

    /// <summary>
    /// The painless script of <c>getUpdateAlertAssigneesScript</c>, line for line: keep existing
    /// order, drop removed, append new ones not yet present; a missing field becomes the add list,
    /// even when that is empty. Existing duplicates are left alone, as the script does.
    /// </summary>
    internal static List<string> RunScript(List<string>? current, IReadOnlyList<string> assigneesToAdd, IReadOnlyList<string> assigneesToRemove)
    {
        if (current is null)
        {
            return [.. assigneesToAdd];
        }

        var updated = current.Where(assignee => !assigneesToRemove.Contains(assignee)).ToList();
        foreach (var assignee in assigneesToAdd)
        {
            if (!updated.Contains(assignee))
            {
                updated.Add(assignee);
            }
        }

        return updated;
    }

    // SetAlertAssigneesBody = z.object({ assignees: z.object({ add, remove }), ids: AlertIds }),
    // checked in that key order; unknown keys are dropped.
    private static SetAlertAssigneesBody? Validate(JsonElement? body, ZodIssues issues)
    {
        if (body is not { ValueKind: JsonValueKind.Object } root)
        {
            issues.InvalidType("", "object", body);
            return null;
        }

        List<string>? add = null, remove = null;
        var assignees = ZodIssues.Property(root, "assignees");
        if (assignees is { ValueKind: JsonValueKind.Object } assigneesObject)
        {
            add = issues.NonEmptyStrings(ZodIssues.Property(assigneesObject, "add"), "assignees.add");
            remove = issues.NonEmptyStrings(ZodIssues.Property(assigneesObject, "remove"), "assignees.remove");
        }
        else
        {
            issues.InvalidType("assignees", "object", assignees);
        }

        var ids = issues.NonEmptyStrings(ZodIssues.Property(root, "ids"), "ids", minItems: 1);
        return issues.Any ? null : new SetAlertAssigneesBody(add!, remove!, ids!);
    }

    // lodash uniq: first occurrence wins, order kept.
    private static List<string> Uniq(IEnumerable<string> values)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return [.. values.Where(seen.Add)];
    }

    // JSON.stringify of a string array: escapes only quotes, backslashes, control characters and lone surrogates.
    private static string JavaScriptStringify(IEnumerable<string> values)
    {
        var json = new StringBuilder("[");
        foreach (var value in values)
        {
            json.Append(json.Length > 1 ? ",\"" : "\"");
            for (var i = 0; i < value.Length; i++)
            {
                var c = value[i];
                var lone = (char.IsHighSurrogate(c) && (i + 1 == value.Length || !char.IsLowSurrogate(value[i + 1])))
                    || (char.IsLowSurrogate(c) && (i == 0 || !char.IsHighSurrogate(value[i - 1])));
                json.Append(c switch
                {
                    '"' => "\\\"",
                    '\\' => "\\\\",
                    '\b' => "\\b",
                    '\f' => "\\f",
                    '\n' => "\\n",
                    '\r' => "\\r",
                    '\t' => "\\t",
                    _ when c < ' ' || lone => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                    _ => c.ToString(),
                });
            }

            json.Append('"');
        }

        return json.Append(']').ToString();
    }

    private sealed record SetAlertAssigneesBody(List<string> Add, List<string> Remove, List<string> Ids);
}

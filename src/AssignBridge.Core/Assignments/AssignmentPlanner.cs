using System.Text.Json.Serialization;
using AssignBridge.Kibana;
using AssignBridge.Platform.Validation;









namespace AssignBridge.Assignments;

/// <summary>One assignees request to Kibana: a space, at most the configured number of alert ids, and the UIDs to add and remove.
/// A dry run answers them as they are (<c>space</c>, <c>alerts</c>, <c>add</c>, <c>remove</c>).</summary>
internal sealed record KibanaOperation(
    [property: JsonPropertyName("space")] string Space,
    [property: JsonPropertyName("alerts")] IReadOnlyList<string> AlertIds,
    [property: JsonPropertyName("add")] IReadOnlyList<string> Add,
    [property: JsonPropertyName("remove")] IReadOnlyList<string> Remove);

/// <summary>The requests to send, and the UIDs that were asked both to be added and removed (kept as added).</summary>
internal sealed record AssignmentPlan(IReadOnlyList<KibanaOperation> Operations, IReadOnlyList<string> AddedAndRemoved);

/// <summary>
/// Turns resolved UIDs and alert references into Kibana requests that Kibana will accept
/// (kibana-api-facts.md §1): per space, ids de-duplicated and chunked, UIDs de-duplicated, and no UID in both
/// add and remove. Such a conflict arises when two identities map to one Kibana user (a ticket reassigned
/// between a person's Jira and email identities, say); the net intent is that the user stays assigned, so
/// add wins and the conflict is reported.
/// </summary>
internal static class AssignmentPlanner
{
    public static AssignmentPlan Plan(IReadOnlyList<AlertRef> alerts, IEnumerable<string> addUids, IEnumerable<string> removeUids, int maxIdsPerRequest)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxIdsPerRequest, 1);
        var add = Distinct(addUids, nameof(addUids));
        var removeRequested = Distinct(removeUids, nameof(removeUids));
        var addSet = add.ToHashSet(StringComparer.Ordinal);
        var conflicts = removeRequested.Where(addSet.Contains).ToList();
        var remove = removeRequested.Where(uid => !addSet.Contains(uid)).ToList();

        if (add.Count == 0 && remove.Count == 0)
        {
            return new AssignmentPlan([], conflicts);
        }

        var operations = new List<KibanaOperation>();
        foreach (var space in alerts.GroupBy(a => a.Space, StringComparer.Ordinal))
        {
            var ids = space.Select(a => a.AlertId).Distinct(StringComparer.Ordinal);
            foreach (var chunk in ids.Chunk(maxIdsPerRequest))
            {
                operations.Add(new KibanaOperation(space.Key, chunk, add, remove));
            }
        }

        foreach (var operation in operations)
        {
            var problems = AssigneesRequestValidator.Validate(operation.AlertIds, operation.Add, operation.Remove).ToList();
            if (InputRules.SpaceId("space", operation.Space) is { } spaceProblem)
            {
                problems.Insert(0, spaceProblem);
            }

            if (problems.Count > 0)
            {
                throw new ArgumentException($"The plan would break Kibana's rules: {string.Join("; ", problems)}", nameof(alerts));
            }
        }

        return new AssignmentPlan(operations, conflicts);
    }

    private static List<string> Distinct(IEnumerable<string> uids, string name)
    {
        var list = uids.Distinct(StringComparer.Ordinal).ToList();
        if (list.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("A Kibana UID may not be empty or whitespace.", name);
        }

        return list;
    }
}

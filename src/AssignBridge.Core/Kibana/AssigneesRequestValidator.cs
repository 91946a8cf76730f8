using AssignBridge.Platform.Validation;









namespace AssignBridge.Kibana;

// The checks Kibana applies to an assignees request (kibana-api-facts.md §1, "Request validation"),
// applied before sending so that a request Kibana would refuse never leaves the bridge. The values were held to
// InputRules at intake; this is the last line of defence and uses the same rules.
internal static class AssigneesRequestValidator
{
    /// <summary>Throws when the space is not a space id or the request breaks one of Kibana's rules.</summary>
    /// <exception cref="ArgumentException">What is wrong, each field named as Kibana does.</exception>
    public static void ThrowIfInvalid(string space, IReadOnlyList<string> ids, IReadOnlyList<string> add, IReadOnlyList<string> remove)
    {
        ThrowIfBadSpace(space);
        var problems = Validate(ids, add, remove);
        if (problems.Count > 0)
        {
            throw new ArgumentException($"The assignees request breaks Kibana's rules: {string.Join("; ", problems)}", nameof(ids));
        }
    }

    /// <exception cref="ArgumentException">The space is not a Kibana space id.</exception>
    public static void ThrowIfBadSpace(string space)
    {
        if (InputRules.SpaceId("space", space) is { } problem)
        {
            throw new ArgumentException($"'{space}' is not a Kibana space id: {problem}.", nameof(space));
        }
    }

    /// <summary>Returns the problems with a request, each naming the field as Kibana does; empty when valid.</summary>
    public static IReadOnlyList<string> Validate(IReadOnlyList<string> ids, IReadOnlyList<string> add, IReadOnlyList<string> remove)
    {
        var problems = new List<string>();
        if (ids.Count == 0)
        {
            problems.Add("ids: at least one alert id is required");
        }

        CheckStrings("ids", ids, InputRules.AlertId, problems);
        CheckStrings("assignees.add", add, InputRules.Uid, problems);
        CheckStrings("assignees.remove", remove, InputRules.Uid, problems);

        var both = add.Intersect(remove, StringComparer.Ordinal).ToList();
        if (both.Count > 0)
        {
            problems.Add($"assignees: {string.Join(", ", both)} in both add and remove");
        }

        return problems;
    }

    /// <summary>Kibana's own words for what its schema refuses (an empty or blank string); the bridge's rule for the rest.</summary>
    private static void CheckStrings(string field, IReadOnlyList<string> values, Func<string, string?, string?> rule, List<string> problems)
    {
        for (var i = 0; i < values.Count; i++)
        {
            var path = $"{field}.{i}";
            if (string.IsNullOrWhiteSpace(values[i]))
            {
                problems.Add($"{path}: No empty strings allowed");
            }
            else if (rule(path, values[i]) is { } problem)
            {
                problems.Add(problem);
            }
        }
    }
}

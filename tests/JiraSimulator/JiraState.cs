using System.Collections.Frozen;

namespace JiraSimulator;

/// <summary>The simulator's issues, the requests it received and its fault switches. Thread-safe.</summary>
public sealed class JiraState
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, JiraIssue> _byKey = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<RecordedJiraRequest> _requests = [];
    private int _nextId = 10000;

    public JiraFaults Faults { get; } = new();

    /// <summary>Every request to a <c>/rest/...</c> route, oldest first (a copy).</summary>
    public IReadOnlyList<RecordedJiraRequest> Requests
    {
        get { lock (_lock) { return [.. _requests]; } }
    }

    /// <summary>
    /// Adds or replaces an issue. <paramref name="assignableUsers"/> are the account ids (Cloud) or user names (Data Center)
    /// Jira lets be assigned; <paramref name="defaultAssignee"/> is what <c>"-1"</c> (automatic) picks, null for unassigned.
    /// </summary>
    public void SeedIssue(string key, string? assignee = null, IEnumerable<string>? assignableUsers = null, string? defaultAssignee = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        lock (_lock)
        {
            var id = _byKey.TryGetValue(key, out var old) ? old.Id : (_nextId++).ToString(System.Globalization.CultureInfo.InvariantCulture);
            _byKey[key] = new JiraIssue(id, key) { Assignee = assignee, DefaultAssignee = defaultAssignee, Assignable = [.. assignableUsers ?? []] };
        }
    }

    /// <summary>The issue's assignee, or null when unassigned.</summary>
    /// <exception cref="KeyNotFoundException">No such issue.</exception>
    public string? GetAssignee(string key)
    {
        lock (_lock) { return _byKey[key].Assignee; }
    }

    /// <summary>The numeric id Jira gave the issue (issues are found by id or key).</summary>
    public string GetId(string key)
    {
        lock (_lock) { return _byKey[key].Id; }
    }

    internal JiraIssue? Find(string idOrKey)
    {
        lock (_lock)
        {
            return _byKey.TryGetValue(idOrKey, out var issue) ? issue : _byKey.Values.FirstOrDefault(i => i.Id == idOrKey);
        }
    }

    /// <summary>Assigns the user, the default assignee (<c>"-1"</c>) or nobody (null); false when the user cannot be assigned.</summary>
    internal bool TryAssign(JiraIssue issue, string? assignee)
    {
        lock (_lock)
        {
            var target = assignee == "-1" ? issue.DefaultAssignee : assignee;
            if (target is not null && !issue.Assignable.Contains(target))
            {
                return false;
            }

            issue.Assignee = target;
            return true;
        }
    }

    internal string? AssigneeOf(JiraIssue issue)
    {
        lock (_lock) { return issue.Assignee; }
    }

    internal void Record(RecordedJiraRequest request)
    {
        lock (_lock) { _requests.Add(request); }
    }
}

internal sealed class JiraIssue(string id, string key)
{
    public string Id { get; } = id;

    public string Key { get; } = key;

    public string? Assignee { get; set; }

    public string? DefaultAssignee { get; init; }

    public HashSet<string> Assignable { get; init; } = [];
}

/// <summary>One request as it arrived, with the status it was answered (0: the connection was dropped).</summary>
public sealed record RecordedJiraRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body, int Status)
{
    internal static IReadOnlyDictionary<string, string> CopyHeaders(IHeaderDictionary headers) =>
        headers.ToFrozenDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
}

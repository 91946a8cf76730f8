using System.Collections.Frozen;

namespace KibanaSimulator;

/// <summary>
/// The simulator's data: one alerts index per space (<c>.alerts-security.alerts-&lt;space&gt;</c>,
/// facts file section 1 "How the update is done"), the request log and the fault switches. Thread-safe.
/// </summary>
public sealed class KibanaState
{
    private readonly Lock _lock = new();
    private readonly ChangeSignal _changes = new();
    private readonly Dictionary<string, OrderedDictionary<string, List<string>?>> _spaces = new(StringComparer.Ordinal);
    private readonly List<RecordedRequest> _requests = [];
    private readonly List<string> _inFlight = [];
    private readonly List<UserProfilePayload> _profiles = [];

    public SimulatorFaults Faults { get; } = new();

    /// <summary>Every request to an <c>/api/...</c> or <c>/s/{space}/...</c> route, oldest first (a copy).</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get { lock (_lock) { return [.. _requests]; } }
    }

    /// <summary>The paths of the requests being answered now (held by latency, for one), oldest first (a copy).</summary>
    public IReadOnlyList<string> InFlight
    {
        get { lock (_lock) { return [.. _inFlight]; } }
    }

    /// <summary>
    /// Adds or replaces an alert. With no assignees (null or none given) the alert has no
    /// <c>kibana.alert.workflow_assignee_ids</c> field, like an alert nobody ever assigned. An alert
    /// whose field is an empty array is reached by removing its assignees, or by seeding
    /// <c>"assignees": []</c> through the seed file or control API.
    /// </summary>
    public void SeedAlert(string space, string alertId, params string[]? assignees) =>
        Seed(space, alertId, assignees is { Length: > 0 } ? assignees : null);

    /// <summary>The alert's assignees, or null when the field is missing.</summary>
    /// <exception cref="KeyNotFoundException">No such alert in that space.</exception>
    public IReadOnlyList<string>? GetAssignees(string space, string alertId)
    {
        lock (_lock)
        {
            if (_spaces.TryGetValue(space, out var alerts) && alerts.TryGetValue(alertId, out var assignees))
            {
                return assignees is null ? null : [.. assignees];
            }
        }

        throw new KeyNotFoundException($"No alert '{alertId}' in space '{space}'.");
    }

    public bool AlertExists(string space, string alertId)
    {
        lock (_lock)
        {
            return _spaces.TryGetValue(space, out var alerts) && alerts.ContainsKey(alertId);
        }
    }

    /// <summary>
    /// False makes <c>GET /internal/detection_engine/users/_find</c> answer 404, like a Kibana from before the
    /// route existed.
    /// </summary>
    public bool UserProfilesRouteAvailable { get; set; } = true;

    /// <summary>
    /// Adds a user profile, as if the user had logged into Kibana (profiles exist only after a first login).
    /// Null email or full name are left out of answers, like Kibana's <c>parseUserProfile</c>.
    /// </summary>
    public void SeedUserProfile(string uid, string username, string? email = null, string? fullName = null, bool enabled = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(uid);
        ArgumentException.ThrowIfNullOrEmpty(username);
        lock (_lock)
        {
            _profiles.RemoveAll(p => p.Uid == uid);
            _profiles.Add(new UserProfilePayload(uid, enabled, new UserProfileUser(username, email, fullName), new UserProfileData()));
        }
    }

    /// <summary>Profiles whose username, full name or email contain <paramref name="searchTerm"/> (all when empty), at most <paramref name="size"/>.</summary>
    internal IReadOnlyList<UserProfilePayload> FindUserProfiles(string? searchTerm, int size)
    {
        lock (_lock)
        {
            return [.. _profiles
                .Where(p => p.Enabled)
                .Where(p => string.IsNullOrEmpty(searchTerm)
                    || Contains(p.User.Username, searchTerm) || Contains(p.User.FullName, searchTerm) || Contains(p.User.Email, searchTerm))
                .Take(size)];
        }

        static bool Contains(string? field, string term) => field?.Contains(term, StringComparison.OrdinalIgnoreCase) == true;
    }

    public void ClearRequests()
    {
        lock (_lock) { _requests.Clear(); }
    }

    internal void Seed(string space, string alertId, IEnumerable<string>? assignees)
    {
        if (!SpaceIds.IsValid(space))
        {
            throw new ArgumentException($"'{space}' is not a Kibana space id (lower-case letters, digits, '_' and '-').", nameof(space));
        }

        ArgumentException.ThrowIfNullOrEmpty(alertId);
        lock (_lock)
        {
            if (!_spaces.TryGetValue(space, out var alerts))
            {
                _spaces[space] = alerts = new OrderedDictionary<string, List<string>?>(StringComparer.Ordinal);
            }

            alerts[alertId] = assignees?.ToList();
        }
    }

    internal IReadOnlyList<AlertSnapshot> Snapshot(string? space = null)
    {
        lock (_lock)
        {
            return [.. _spaces
                .Where(s => space is null || s.Key == space)
                .SelectMany(s => s.Value.Select(a => new AlertSnapshot(s.Key, a.Key, a.Value is null ? null : [.. a.Value])))];
        }
    }

    /// <summary>
    /// Runs <paramref name="script"/> on each alert of <paramref name="space"/> whose id is in
    /// <paramref name="ids"/>, like update-by-query with a <c>terms</c> filter on <c>_id</c>:
    /// unknown ids are skipped, repeated ids match once. Returns how many alerts matched.
    /// </summary>
    internal int UpdateAssignees(string space, IEnumerable<string> ids, Func<List<string>?, List<string>> script)
    {
        lock (_lock)
        {
            if (!_spaces.TryGetValue(space, out var alerts))
            {
                return 0;
            }

            var matched = 0;
            foreach (var id in ids.Distinct(StringComparer.Ordinal))
            {
                if (alerts.TryGetValue(id, out var current))
                {
                    alerts[id] = script(current);
                    matched++;
                }
            }

            return matched;
        }
    }

    /// <summary>Completes once <paramref name="condition"/> holds, looked at again after every request that arrives or is recorded.</summary>
    public Task WaitForAsync(Func<KibanaState, bool> condition) => _changes.WaitForAsync(() => condition(this));

    internal void Record(RecordedRequest request)
    {
        lock (_lock) { _requests.Add(request); }
        _changes.Changed();
    }

    internal void Arrived(string path)
    {
        lock (_lock) { _inFlight.Add(path); }
        _changes.Changed();
    }

    internal void Answered(string path)
    {
        lock (_lock) { _inFlight.Remove(path); }
        _changes.Changed();
    }
}

/// <summary>
/// One request as the simulator saw it. <paramref name="Headers"/> is a case-insensitive copy
/// (repeated headers joined with a comma). <paramref name="Status"/> is 0 when the connection was
/// dropped (a fault, or the client went away) instead of answered.
/// </summary>
public sealed record RecordedRequest(
    string Method,
    string Path,
    string Space,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    int Status,
    DateTimeOffset At)
{
    internal static IReadOnlyDictionary<string, string> CopyHeaders(IHeaderDictionary headers) =>
        headers.ToFrozenDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
}

internal sealed record AlertSnapshot(string Space, string Id, IReadOnlyList<string>? Assignees);

internal static class SpaceIds
{
    internal const string Default = "default";

    // Kibana's spaces plugin only treats `/s/<id>` as a space prefix when the id matches
    // [a-z0-9_-]+ (getSpaceIdFromPath); anything else is just an unknown route.
    internal static bool IsValid(string? space) =>
        !string.IsNullOrEmpty(space) && space.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-');

    internal static string FromRoute(HttpContext context) =>
        context.GetRouteValue("space") as string ?? Default;

    internal static string FromPath(PathString path)
    {
        var segments = path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [];
        return segments is ["s", var space, ..] ? space : Default;
    }
}

using System.Collections.Frozen;
using System.Globalization;

namespace ServiceNowSimulator;

/// <summary>The simulator's users and records, the tokens it issued, the requests it received and its fault switches. Thread-safe.</summary>
public sealed class ServiceNowState
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Table, string SysId), Dictionary<string, string>> _records = [];
    private readonly Dictionary<string, string> _userSysIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string User, DateTimeOffset Expires)> _tokens = new(StringComparer.Ordinal);
    private readonly List<RecordedServiceNowRequest> _requests = [];

    public ServiceNowFaults Faults { get; } = new();

    /// <summary>Every request to <c>/api/...</c> or <c>/oauth_token.do</c>, oldest first (a copy).</summary>
    public IReadOnlyList<RecordedServiceNowRequest> Requests
    {
        get { lock (_lock) { return [.. _requests]; } }
    }

    /// <summary>Adds a <c>sys_user</c> record, so <c>assigned_to</c> can be set by its sys_id or its <c>user_name</c>.</summary>
    public void SeedUser(string sysId, string userName)
    {
        ArgumentException.ThrowIfNullOrEmpty(sysId);
        ArgumentException.ThrowIfNullOrEmpty(userName);
        SeedRecord("sys_user", sysId, new Dictionary<string, string> { ["user_name"] = userName });
        lock (_lock) { _userSysIds[userName] = sysId; }
    }

    /// <summary>Adds or replaces a record (<c>assigned_to</c> empty unless given, <c>sys_mod_count</c> 0 unless given).</summary>
    public void SeedRecord(string table, string sysId, IReadOnlyDictionary<string, string>? fields = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(table);
        ArgumentException.ThrowIfNullOrEmpty(sysId);
        var record = new Dictionary<string, string>(StringComparer.Ordinal) { ["assigned_to"] = "", ["sys_mod_count"] = "0", ["sys_updated_by"] = "system" };
        foreach (var (name, value) in fields ?? new Dictionary<string, string>())
        {
            record[name] = value;
        }

        record["sys_id"] = sysId;
        lock (_lock) { _records[(table, sysId)] = record; }
    }

    /// <summary>A copy of the record's fields.</summary>
    /// <exception cref="KeyNotFoundException">No such record.</exception>
    public IReadOnlyDictionary<string, string> GetRecord(string table, string sysId)
    {
        lock (_lock) { return new Dictionary<string, string>(_records[(table, sysId)]); }
    }

    /// <summary>Expires every access token issued so far, as if their lifespan had run out.</summary>
    public void ExpireTokens()
    {
        lock (_lock)
        {
            foreach (var token in _tokens.Keys.ToList())
            {
                _tokens[token] = (_tokens[token].User, DateTimeOffset.MinValue);
            }
        }
    }

    internal bool HasTable(string table)
    {
        lock (_lock) { return _records.Keys.Any(k => k.Table == table); }
    }

    /// <summary>Copies of the table's records, in sys_id order.</summary>
    internal List<Dictionary<string, string>> All(string table)
    {
        lock (_lock)
        {
            return [.. _records.Where(r => r.Key.Table == table).OrderBy(r => r.Key.SysId, StringComparer.Ordinal).Select(r => new Dictionary<string, string>(r.Value))];
        }
    }

    internal Dictionary<string, string>? Find(string table, string sysId)
    {
        lock (_lock) { return _records.TryGetValue((table, sysId), out var r) ? new Dictionary<string, string>(r) : null; }
    }

    /// <summary>
    /// Writes the fields as <paramref name="user"/>: <c>assigned_to</c> given as a user_name is stored as that user's sys_id;
    /// <c>sys_updated_by</c>, <c>sys_updated_on</c> and <c>sys_mod_count</c> follow. System fields in the body are ignored.
    /// </summary>
    internal Dictionary<string, string> Update(string table, string sysId, IReadOnlyDictionary<string, string> fields, string user, DateTimeOffset now)
    {
        lock (_lock)
        {
            var record = _records[(table, sysId)];
            foreach (var (name, value) in fields.Where(f => !f.Key.StartsWith("sys_", StringComparison.Ordinal)))
            {
                record[name] = name == "assigned_to" && _userSysIds.TryGetValue(value, out var id) ? id : value;
            }

            record["sys_updated_by"] = user;
            record["sys_updated_on"] = now.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            record["sys_mod_count"] = (int.Parse(record["sys_mod_count"], CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture);
            return new Dictionary<string, string>(record);
        }
    }

    internal string IssueToken(string user, DateTimeOffset expires)
    {
        var token = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        lock (_lock) { _tokens[token] = (user, expires); }
        return token;
    }

    internal string? TokenUser(string token, DateTimeOffset now)
    {
        lock (_lock) { return _tokens.TryGetValue(token, out var t) && t.Expires > now ? t.User : null; }
    }

    internal void Record(RecordedServiceNowRequest request)
    {
        lock (_lock) { _requests.Add(request); }
    }
}

/// <summary>One request as it arrived, with the status it was answered (0: the connection was dropped).</summary>
public sealed record RecordedServiceNowRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body, int Status)
{
    internal static IReadOnlyDictionary<string, string> CopyHeaders(IHeaderDictionary headers) =>
        headers.ToFrozenDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
}

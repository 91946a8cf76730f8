using System.Collections.Concurrent;
using AssignBridge.Platform.Caching;
using AssignBridge.Platform.Storage;
using AssignBridge.Platform.Telemetry;
using AssignBridge.Platform.Validation;
using Azure.Data.Tables;
using Azure;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace AssignBridge.People;

/// <summary>The people table could not be read. Retrying later may help.</summary>
internal sealed class PeopleUnavailableException(string message, Exception innerException) : Exception(message, innerException);

// Resolves people to Kibana UIDs through the mapping table: the person's own namespace first, then the
// email row when an email is known; and, the other way, a Kibana UID to the person's id in one namespace through
// the reverse index (UidIndex). Results, misses included, are cached briefly.
internal sealed class PeopleDirectory
{
    /// <summary>The key of this directory's <see cref="IMemoryCache"/> among the app's services.</summary>
    public const string CacheKey = "people";

    private static readonly string[] SelectedColumns = [nameof(PersonEntity.KibanaUid)];
    private static readonly string[] MappingColumns = ["RowKey", nameof(PersonEntity.KibanaUid), nameof(PersonEntity.ExternalId)];

    private readonly TableClient _table;
    private readonly PeopleOptions _options;
    private readonly IMemoryCache _cache;
    private readonly TimeProvider _time;
    private readonly ILogger<PeopleDirectory> _logger;
    private readonly LazyTable _lazy;

    // Stampede protection, which IMemoryCache lacks: concurrent misses for one person wait for one table read.
    // (HybridCache has it, but fixes an entry's lifetime before the read, and a miss lives shorter than an answer.)
    // Keys: (namespace, id) for forward look-ups, a ReverseKey for reverse ones.
    private readonly ConcurrentDictionary<object, Task<string?>> _reads = new();

    public PeopleDirectory(
        TableServiceClient tables, IOptions<PeopleOptions> options, [FromKeyedServices(CacheKey)] IMemoryCache cache, TimeProvider time, ILogger<PeopleDirectory> logger)
    {
        _time = time;
        _options = options.Value;
        _table = tables.GetTableClient(_options.TableName);
        _lazy = new LazyTable(_table);
        _cache = cache;
        _logger = logger;
    }

    public TableClient Table => _table;

    /// <summary>Resolves one person. <paramref name="allowDefault"/> lets the <see cref="UnmappedPolicy.DefaultUid"/> policy stand in for a miss.</summary>
    /// <exception cref="PeopleUnavailableException">The table could not be read.</exception>
    public async Task<PersonResolution> ResolveAsync(PersonRef person, bool allowDefault, CancellationToken cancellationToken = default)
    {
        using var span = AssignBridgeTelemetry.Step("people.resolve");
        if (person.IsUid)
        {
            return PersonResolution.Resolved(person, person.Id, ResolvedVia.Uid);
        }

        if (await LookUpAsync(person.Namespace, person.Id, cancellationToken) is { } direct)
        {
            return PersonResolution.Resolved(person, direct, person.Namespace == PersonRef.EmailNamespace ? ResolvedVia.Email : ResolvedVia.Direct);
        }

        var email = person.Email is null ? null : PersonRef.NormalizeEmail(person.Email);
        if (email is not null && person.Namespace != PersonRef.EmailNamespace
            && await LookUpAsync(PersonRef.EmailNamespace, email, cancellationToken) is { } byEmail)
        {
            return PersonResolution.Resolved(person, byEmail, ResolvedVia.Email);
        }

        var reason = email is null || person.Namespace == PersonRef.EmailNamespace
            ? $"no mapping in namespace '{person.Namespace}'"
            : $"no mapping in namespace '{person.Namespace}' nor for email '{email}'";
        Log.Unmapped(_logger, person.Namespace);
        if (allowDefault && _options.UnmappedPolicy == UnmappedPolicy.DefaultUid)
        {
            return new PersonResolution(person, _options.DefaultUid, ResolvedVia.Default, reason);
        }

        return PersonResolution.Unmapped(person, reason);
    }

    /// <summary>
    /// The external id in namespace <paramref name="ns"/> of the person whose Kibana UID is <paramref name="uid"/>, for
    /// writing a ticket's assignee; null when no mapping of that namespace names the UID. Of several mappings naming the
    /// UID there (two Jira accounts of one Kibana user), the one set most recently answers. Email rows answer only for
    /// namespace <c>email</c>: a ticket system needs its own id.
    /// </summary>
    /// <remarks>
    /// Answers from the reverse index (two point reads: the entry, then the mapping it names, which must still name the
    /// UID). Tables written before the index existed have no entries: a miss, or an entry whose mapping has changed
    /// behind the bridge's back, queries the namespace's partition by KibanaUid and writes the entry it finds (or
    /// removes the stale one), so an upgrade needs no migration step. That query is also what a UID with no mapping in
    /// the namespace costs. Answers and misses are cached like forward look-ups (so the query runs at most once per
    /// <see cref="PeopleOptions.NegativeCacheSeconds"/> for a miss), and writes through <see cref="PeopleStore"/> forget
    /// them (<see cref="InvalidateUid"/>). Forward look-ups never read an index row: their keys are encoded ids.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="ns"/> is not a namespace of the mapping table.</exception>
    /// <exception cref="PeopleUnavailableException">The table could not be read.</exception>
    public async Task<string?> ExternalIdAsync(string uid, string ns, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uid);
        if (!PersonRef.TableNamespaces.Contains(ns))
        {
            throw new ArgumentException($"'{ns}' is not a namespace of the mapping table ({string.Join(", ", PersonRef.TableNamespaces)}).", nameof(ns));
        }

        if (InputRules.Uid("uid", uid) is not null)
        {
            return null; // no mapping can name this UID (every write path refuses it)
        }

        using var span = AssignBridgeTelemetry.Step("people.reverse");
        return await CachedAsync(new ReverseKey(ns, uid), ns, () => ReadExternalIdAsync(uid, ns, cancellationToken), cancellationToken);
    }

    /// <summary>Reads one row of the table, for health checks.</summary>
    /// <exception cref="PeopleUnavailableException">The table could not be read.</exception>
    public Task<string> ProbeAsync(CancellationToken cancellationToken = default) => GuardAsync("*", async () =>
    {
        try
        {
            await foreach (var _ in _table.QueryAsync<PersonEntity>(maxPerPage: 1, select: ["PartitionKey"], cancellationToken: cancellationToken))
            {
                break;
            }

            return $"table '{_table.Name}' readable";
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return $"table '{_table.Name}' not created yet; it is created on first use";
        }
    }, cancellationToken);

    /// <summary>Forgets cached answers, after the table was changed through the bridge.</summary>
    public void Invalidate(string ns, string id) => _cache.Remove((ns, id));

    /// <summary>Forgets the cached reverse answer for a UID in a namespace, after its index entry was changed through the bridge.</summary>
    public void InvalidateUid(string ns, string uid) => _cache.Remove(new ReverseKey(ns, uid));

    // Created on first use rather than at start-up: the host waits for the app to listen, and a failed attempt is tried again next time.
    public Task EnsureTableAsync(CancellationToken cancellationToken) => _lazy.EnsureAsync(cancellationToken);

    /// <summary>Turns the ways storage fails into one exception that names no secret.</summary>
    private Task<T> GuardAsync<T>(string ns, Func<Task<T>> operation, CancellationToken cancellationToken) =>
        StorageGuard.RunAsync(operation, (reason, inner) =>
        {
            Log.LookupFailed(_logger, ns, reason);
            return new PeopleUnavailableException($"The people table could not be read ({reason}).", inner);
        }, _lazy, cancellationToken);

    private Task<string?> LookUpAsync(string ns, string id, CancellationToken cancellationToken)
    {
        if (InputRules.ExternalId("id", id) is not null)
        {
            return Task.FromResult<string?>(null); // no row can have this key (every write path refuses it): unmapped, without asking storage
        }

        return CachedAsync((ns, id), ns, async () =>
        {
            await EnsureTableAsync(cancellationToken);
            var response = await _table.GetEntityIfExistsAsync<PersonEntity>(ns, RowKeys.Encode(id), SelectedColumns, cancellationToken);
            return response.HasValue && !string.IsNullOrWhiteSpace(response.Value!.KibanaUid) ? response.Value.KibanaUid : null;
        }, cancellationToken);
    }

    private async Task<string?> ReadExternalIdAsync(string uid, string ns, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var entry = await _table.GetEntityIfExistsAsync<UidIndexEntity>(ns, UidIndex.RowKey(uid), cancellationToken: cancellationToken);
        var stale = entry.HasValue ? entry.Value : null;
        if (stale is not null && stale.KibanaUid == uid)
        {
            var mapping = await _table.GetEntityIfExistsAsync<PersonEntity>(ns, stale.MappingRowKey, MappingColumns, cancellationToken);
            if (mapping.HasValue && mapping.Value!.KibanaUid == uid)
            {
                return mapping.Value.ExternalId ?? RowKeys.Decode(mapping.Value.RowKey);
            }
        }

        // No entry (a table from before the index, or a UID without mappings here), or one whose mapping changed.
        var found = await UidIndex.FindMostRecentAsync(_table, ns, uid, except: null, cancellationToken);
        try
        {
            if (found is not null && stale is null)
            {
                await _table.AddEntityAsync(UidIndex.For(found, _time.GetUtcNow()), cancellationToken);
            }
            else if (found is not null)
            {
                await _table.UpdateEntityAsync(UidIndex.For(found, _time.GetUtcNow()), stale!.ETag, TableUpdateMode.Replace, cancellationToken);
            }
            else if (stale is not null)
            {
                await _table.DeleteEntityAsync(stale, stale.ETag, cancellationToken);
            }

            if (found is not null || stale is not null)
            {
                Log.ReverseIndexRepaired(_logger, ns);
            }
        }
        catch (RequestFailedException exception) when (exception.Status is 404 or 409 or 412)
        {
            // A writer changed the entry meanwhile; its entry stands, and the answer is the table's as just read.
        }

        return found is null ? null : found.ExternalId ?? RowKeys.Decode(found.RowKey);
    }

    // One table read per key at a time (see _reads), its answer cached for the answer's or the miss's lifetime.
    private async Task<string?> CachedAsync(object key, string ns, Func<Task<string?>> read, CancellationToken cancellationToken)
    {
        var hit = _cache.TryGetValue(key, out string? cached);
        AssignBridgeTelemetry.CacheLookup("people", hit);
        if (hit)
        {
            return cached;
        }

        var mine = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var pending = _reads.GetOrAdd(key, mine.Task);
        if (pending != mine.Task)
        {
            try
            {
                return await pending.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The reader stopped for its own deadline, not this caller's: read on this caller's own.
            }
        }

        try
        {
            var answer = await GuardAsync(ns, read, cancellationToken);
            _cache.SetFor(key, answer, TimeSpan.FromSeconds(answer is null ? _options.NegativeCacheSeconds : _options.CacheSeconds));
            mine.TrySetResult(answer);
            return answer;
        }
        catch (Exception exception)
        {
            _ = exception is OperationCanceledException ? mine.TrySetCanceled(cancellationToken) : mine.TrySetException(exception);
            _ = mine.Task.Exception; // observed: the waiters, if any, rethrow it; none need not
            throw;
        }
        finally
        {
            _reads.TryRemove(KeyValuePair.Create(key, mine.Task));
        }
    }

    /// <summary>The cache key of a reverse look-up, distinct from the (namespace, id) tuples of forward ones.</summary>
    private readonly record struct ReverseKey(string Namespace, string Uid);
}

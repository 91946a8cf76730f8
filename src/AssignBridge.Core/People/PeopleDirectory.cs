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
// email row when an email is known. Results, misses included, are cached briefly.
internal sealed class PeopleDirectory
{
    /// <summary>The key of this directory's <see cref="IMemoryCache"/> among the app's services.</summary>
    public const string CacheKey = "people";

    private static readonly string[] SelectedColumns = [nameof(PersonEntity.KibanaUid)];

    private readonly TableClient _table;
    private readonly PeopleOptions _options;
    private readonly IMemoryCache _cache;
    private readonly ILogger<PeopleDirectory> _logger;
    private readonly LazyTable _lazy;

    // Stampede protection, which IMemoryCache lacks: concurrent misses for one person wait for one table read.
    // (HybridCache has it, but fixes an entry's lifetime before the read, and a miss lives shorter than an answer.)
    private readonly ConcurrentDictionary<(string Namespace, string Id), Task<string?>> _reads = new();

    public PeopleDirectory(TableServiceClient tables, IOptions<PeopleOptions> options, [FromKeyedServices(CacheKey)] IMemoryCache cache, ILogger<PeopleDirectory> logger)
    {
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

    public Task<string?> ExternalIdAsync(string uid, string ns, CancellationToken cancellationToken = default) => GuardAsync(ns, async () =>
    {
        await foreach (var row in _table.QueryAsync<PersonEntity>(Azure.Data.Tables.TableClient.CreateQueryFilter($"PartitionKey eq {ns} and KibanaUid eq {uid}"), cancellationToken: cancellationToken))
        {
            return row.ExternalId ?? Platform.Storage.RowKeys.Decode(row.RowKey);
        }

        return (string?)null;
    }, cancellationToken);

    // Created on first use rather than at start-up: the host waits for the app to listen, and a failed attempt is tried again next time.
    public Task EnsureTableAsync(CancellationToken cancellationToken) => _lazy.EnsureAsync(cancellationToken);

    /// <summary>Turns the ways storage fails into one exception that names no secret.</summary>
    private Task<T> GuardAsync<T>(string ns, Func<Task<T>> operation, CancellationToken cancellationToken) =>
        StorageGuard.RunAsync(operation, (reason, inner) =>
        {
            Log.LookupFailed(_logger, ns, reason);
            return new PeopleUnavailableException($"The people table could not be read ({reason}).", inner);
        }, _lazy, cancellationToken);

    private async Task<string?> LookUpAsync(string ns, string id, CancellationToken cancellationToken)
    {
        if (InputRules.ExternalId("id", id) is not null)
        {
            return null; // no row can have this key (every write path refuses it): unmapped, without asking storage
        }

        var hit = _cache.TryGetValue((ns, id), out string? cached);
        AssignBridgeTelemetry.CacheLookup("people", hit);
        if (hit)
        {
            return cached;
        }

        var mine = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var read = _reads.GetOrAdd((ns, id), mine.Task);
        if (read != mine.Task)
        {
            try
            {
                return await read.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The reader stopped for its own deadline, not this caller's: read on this caller's own.
            }
        }

        try
        {
            var uid = await GuardAsync(ns, async () =>
            {
                await EnsureTableAsync(cancellationToken);
                var response = await _table.GetEntityIfExistsAsync<PersonEntity>(ns, RowKeys.Encode(id), SelectedColumns, cancellationToken);
                return response.HasValue && !string.IsNullOrWhiteSpace(response.Value!.KibanaUid) ? response.Value.KibanaUid : null;
            }, cancellationToken);

            _cache.SetFor((ns, id), uid, TimeSpan.FromSeconds(uid is null ? _options.NegativeCacheSeconds : _options.CacheSeconds));
            mine.TrySetResult(uid);
            return uid;
        }
        catch (Exception exception)
        {
            _ = exception is OperationCanceledException ? mine.TrySetCanceled(cancellationToken) : mine.TrySetException(exception);
            _ = mine.Task.Exception; // observed: the waiters, if any, rethrow it; none need not
            throw;
        }
        finally
        {
            _reads.TryRemove(KeyValuePair.Create((ns, id), mine.Task));
        }
    }
}

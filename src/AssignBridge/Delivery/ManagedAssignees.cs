using AssignBridge.Assignments;
using AssignBridge.Platform.Storage;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace AssignBridge.Delivery;

/// <summary>A UID the bridge put on an alert, and why.</summary>
internal sealed record ManagedAssignee(string Space, string AlertId, string Uid, string Source, string? Ticket, DateTimeOffset AssignedAt);

// Which assignees the bridge put on which alert (and from which ticket), so that a reassignment removes only
// people the bridge added and reconciliation repairs only what it manages (each ticket's newest applied event lives
// in the journal, beside its deliveries). Alert rows live in a few bucket partitions
// (AlertPartition) with the alert's key leading the row key, one row per UID, so that a
// delivery of thousands of alerts writes them in entity-group transactions of up to 100 rows; a removed UID is kept
// as inactive rather than deleted, which keeps every write an idempotent upsert.
internal sealed class ManagedAssignees
{
    /// <summary>Rows in one entity-group transaction, Table Storage's limit.</summary>
    private const int TransactionRows = 100;

    private readonly TableClient _table;
    private readonly TimeProvider _time;
    private readonly LazyTable _lazy;

    // What Kibana applied whose rows are still being written (EffectProjector writes them just after the sender's
    // answer, from the journal row), read together with the table so that a reassignment right after sees them.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, Held> _held = new();
    private long _heldCount;

    public ManagedAssignees(TableServiceClient tables, IOptions<JournalOptions> options, TimeProvider time)
    {
        _table = tables.GetTableClient(options.Value.ManagedTableName);
        _lazy = new LazyTable(_table);
        _time = time;
    }

    /// <summary>The UIDs the bridge currently manages on each alert.</summary>
    public async Task<IReadOnlyDictionary<AlertRef, IReadOnlySet<string>>> GetAsync(IEnumerable<AlertRef> alerts, CancellationToken cancellationToken = default)
    {
        // One range query per alert (its rows sit together in its bucket), side by side; and one of the partition that
        // versions before 1 Dec 2026 kept per alert, so that people the bridge assigned before an upgrade are still known.
        // A UID with a row in the current layout is decided by that row.
        var result = new System.Collections.Concurrent.ConcurrentDictionary<AlertRef, IReadOnlySet<string>>();
        // Before the table: rows written meanwhile are in one or the other. ToArray is the dictionary's own atomic snapshot;
        // LINQ straight over it sizes a buffer from Count and copies afterwards, so a hold let go in between left a null.
        var held = _held.ToArray().OrderBy(h => h.Key).Select(h => h.Value).ToList();
        await Parallel.ForEachAsync(alerts.Distinct(), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (alert, token) =>
        {
            var key = RowKeys.AlertKey(alert.Space, alert.AlertId);
            var current = QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {RowKeys.BucketOf(key)} and RowKey gt {key + "|"} and RowKey lt {key + "}"}"), ["Uid", "Active"], int.MaxValue, token);
            var legacy = QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {RowKeys.LegacyAlertPartition(key)} and Active eq true"), ["Uid"], int.MaxValue, token);
            var rows = await current;
            var decided = rows.Select(row => row.GetString("Uid")).ToHashSet(StringComparer.Ordinal);
            var active = rows.Where(row => row.GetBoolean("Active") == true).Select(row => row.GetString("Uid")).ToHashSet(StringComparer.Ordinal);
            active.UnionWith((await legacy).Select(row => row.GetString("Uid")).Where(uid => !decided.Contains(uid)));
            foreach (var effect in held.Where(h => h.Space == alert.Space && h.AlertIds.Contains(alert.AlertId)))
            {
                active.UnionWith(effect.Add);
                active.ExceptWith(effect.Remove);
            }

            result[alert] = active;
        });
        return result;
    }

    /// <summary>Records what one successful Kibana request did, in transactions per bucket. Idempotent: a retried delivery writes the same rows.</summary>
    /// <param name="at">When Kibana applied it (now when null).</param>
    public async Task RecordAsync(string space, IReadOnlyList<string> alertIds, IReadOnlyList<string> added, IReadOnlyList<string> removed, AssignmentIntent intent, DateTimeOffset? at = null, CancellationToken cancellationToken = default)
    {
        var now = at ?? _time.GetUtcNow();
        var batches = alertIds.Distinct(StringComparer.Ordinal)
            .SelectMany(alertId => added.Distinct(StringComparer.Ordinal).Select(uid => Row(alertId, uid, active: true))
                .Concat(removed.Distinct(StringComparer.Ordinal).Select(uid => Row(alertId, uid, active: false))))
            .GroupBy(row => row.PartitionKey, StringComparer.Ordinal)
            .SelectMany(partition => partition.Chunk(TransactionRows))
            .ToList();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (batch, token) =>
            await GuardAsync(async () =>
            {
                await _lazy.EnsureAsync(token); // again after storage lost the table (the guard retries once)
                return await _table.SubmitTransactionAsync(batch.Select(row => new TableTransactionAction(TableTransactionActionType.UpsertReplace, row)), token);
            }, token));

        TableEntity Row(string alertId, string uid, bool active)
        {
            var key = RowKeys.AlertKey(space, alertId);
            return new(RowKeys.BucketOf(key), key + "|" + RowKeys.UidKey(uid))
            {
                ["Space"] = space,
                ["AlertId"] = alertId,
                ["Uid"] = uid,
                ["Active"] = active,
                ["Source"] = intent.Source,
                ["Ticket"] = intent.Ticket?.Key,
                ["DeliveryId"] = intent.DeliveryId,
                ["AssignedAt"] = now,
            };
        }
    }

    /// <summary>Holds what one applied request did until its rows are written; disposing the result lets go.</summary>
    public IDisposable Hold(string space, IReadOnlyList<string> alertIds, IReadOnlyList<string> added, IReadOnlyList<string> removed)
    {
        var id = Interlocked.Increment(ref _heldCount);
        _held[id] = new Held(space, alertIds.ToHashSet(StringComparer.Ordinal), added, removed);
        return new Release(() => _held.TryRemove(id, out _));
    }

    private sealed record Held(string Space, IReadOnlySet<string> AlertIds, IReadOnlyList<string> Add, IReadOnlyList<string> Remove);

    private sealed class Release(Action release) : IDisposable
    {
        private Action? _release = release;

        public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
    }

    /// <summary>Managed assignees written since <paramref name="since"/>, for the drift check.</summary>
    public async Task<IReadOnlyList<ManagedAssignee>> RecentAsync(DateTimeOffset since, int max, CancellationToken cancellationToken = default)
    {
        var filter = TableClient.CreateQueryFilter($"Active eq true and AssignedAt ge {since}");
        var rows = await QueryAsync(filter, null, max, cancellationToken);
        return [.. rows.Select(row => new ManagedAssignee(row.GetString("Space"), row.GetString("AlertId"), row.GetString("Uid"), row.GetString("Source"), row.GetString("Ticket"), row.GetDateTimeOffset("AssignedAt") ?? since))];
    }

    public async Task EnsureTableAsync(CancellationToken cancellationToken) => await GuardAsync(async () =>
    {
        await _lazy.EnsureAsync(cancellationToken);
        return true;
    }, cancellationToken);

    private Task<T> GuardAsync<T>(Func<Task<T>> operation, CancellationToken cancellationToken) =>
        StorageGuard.RunAsync(operation, (reason, inner) => new JournalUnavailableException($"The managed-assignees table could not be used ({reason}).", inner), _lazy, cancellationToken);

    /// <summary>At most <paramref name="max"/> rows of a query, the whole read guarded (and retried once after storage lost the table).</summary>
    private Task<List<TableEntity>> QueryAsync(string filter, IEnumerable<string>? select, int max, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            await _lazy.EnsureAsync(cancellationToken);
            var rows = new List<TableEntity>();
            await foreach (var row in _table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(max, 1_000), select: select, cancellationToken: cancellationToken))
            {
                rows.Add(row);
                if (rows.Count >= max)
                {
                    break;
                }
            }

            return rows;
        }, cancellationToken);
}

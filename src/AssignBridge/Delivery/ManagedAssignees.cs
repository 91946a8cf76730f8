using AssignBridge.Assignments;
using AssignBridge.Platform.Storage;
using Azure.Data.Tables;
using Azure;
using Microsoft.Extensions.Options;

namespace AssignBridge.Delivery;

/// <summary>The newest event of a ticket the bridge applied, with the row's ETag for the next conditional write.</summary>
internal sealed record TicketMark(long? Sequence, DateTimeOffset? ChangedAt, ETag ETag);

/// <summary>A UID the bridge put on an alert, and why.</summary>
internal sealed record ManagedAssignee(string Space, string AlertId, string Uid, string Source, string? Ticket, DateTimeOffset AssignedAt);

// Which assignees the bridge put on which alert (and from which ticket), so that a reassignment removes only
// people the bridge added and reconciliation repairs only what it manages; plus, per ticket, the newest event
// applied, so that an older event never overrides a newer one. Alert rows live in a few bucket partitions
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
        await Parallel.ForEachAsync(alerts.Distinct(), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (alert, token) =>
        {
            var key = RowKeys.AlertKey(alert.Space, alert.AlertId);
            var current = QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {RowKeys.BucketOf(key)} and RowKey gt {key + "|"} and RowKey lt {key + "}"}"), ["Uid", "Active"], int.MaxValue, token);
            var legacy = QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {RowKeys.LegacyAlertPartition(key)} and Active eq true"), ["Uid"], int.MaxValue, token);
            var rows = await current;
            var decided = rows.Select(row => row.GetString("Uid")).ToHashSet(StringComparer.Ordinal);
            var active = rows.Where(row => row.GetBoolean("Active") == true).Select(row => row.GetString("Uid")).ToHashSet(StringComparer.Ordinal);
            active.UnionWith((await legacy).Select(row => row.GetString("Uid")).Where(uid => !decided.Contains(uid)));
            result[alert] = active;
        });
        return result;
    }

    /// <summary>Records what one successful Kibana request did, in transactions per bucket. Idempotent: a retried delivery writes the same rows.</summary>
    public async Task RecordAsync(string space, IReadOnlyList<string> alertIds, IReadOnlyList<string> added, IReadOnlyList<string> removed, AssignmentIntent intent, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
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

    /// <summary>The newest event of a ticket applied so far (null when none), read once per delivery and handed back to <see cref="RememberAsync"/>.</summary>
    public async Task<TicketMark?> ReadTicketAsync(TicketRef ticket, CancellationToken cancellationToken = default)
    {
        var stored = await GuardAsync(async () =>
        {
            await _lazy.EnsureAsync(cancellationToken);
            return await _table.GetEntityIfExistsAsync<TableEntity>(TicketPartition(ticket.Key), "last", cancellationToken: cancellationToken);
        }, cancellationToken);
        return stored.HasValue ? new TicketMark(stored.Value!.GetInt64("Sequence"), stored.Value.GetDateTimeOffset("ChangedAt"), stored.Value.ETag) : null;
    }

    /// <summary>True when <paramref name="ticket"/> is older than the newest event applied (sequence first, then time).</summary>
    public static bool IsSuperseded(TicketRef ticket, TicketMark? newest) =>
        newest is not null && IsOlder(ticket, newest.Sequence, newest.ChangedAt);

    // Remembers the newest applied event of a ticket, starting from what ReadTicketAsync saw; an older
    // one never replaces a newer one, even when two race (a conflict reads the row again and compares).
    public async Task RememberAsync(TicketRef ticket, TicketMark? seen, CancellationToken cancellationToken = default)
    {
        if (ticket.Sequence is null && ticket.ChangedAt is null)
        {
            return;
        }

        var row = new TableEntity(TicketPartition(ticket.Key), "last") { ["Ticket"] = ticket.Key, ["Sequence"] = ticket.Sequence, ["ChangedAt"] = ticket.ChangedAt };
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                if (seen is null)
                {
                    await GuardAsync(() => _table.AddEntityAsync(row, cancellationToken), cancellationToken);
                }
                else if (!IsSuperseded(ticket, seen))
                {
                    await GuardAsync(() => _table.UpdateEntityAsync(row, seen.ETag, TableUpdateMode.Replace, cancellationToken), cancellationToken);
                }

                return;
            }
            catch (JournalUnavailableException exception) when (exception.InnerException is RequestFailedException { Status: 409 or 412 })
            {
                seen = await ReadTicketAsync(ticket, cancellationToken); // another instance wrote first: compare with theirs
            }
        }
    }

    /// <summary>Managed assignees written since <paramref name="since"/>, for the drift check.</summary>
    public async Task<IReadOnlyList<ManagedAssignee>> RecentAsync(DateTimeOffset since, int max, CancellationToken cancellationToken = default)
    {
        var filter = TableClient.CreateQueryFilter($"Active eq true and AssignedAt ge {since}");
        var rows = await QueryAsync(filter, null, max, cancellationToken);
        return [.. rows.Select(row => new ManagedAssignee(row.GetString("Space"), row.GetString("AlertId"), row.GetString("Uid"), row.GetString("Source"), row.GetString("Ticket"), row.GetDateTimeOffset("AssignedAt") ?? since))];
    }

    private static bool IsOlder(TicketRef ticket, long? storedSequence, DateTimeOffset? storedChangedAt) =>
        ticket.Sequence is { } sequence && storedSequence is { } seen ? sequence < seen
        : ticket.ChangedAt is { } changedAt && storedChangedAt is { } seenAt && changedAt < seenAt;

    private static string TicketPartition(string key) => RowKeys.TicketPartition(key);

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

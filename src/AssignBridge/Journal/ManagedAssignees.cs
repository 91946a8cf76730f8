using AssignBridge.Hosting;
using AssignBridge.Assignments;
using AssignBridge.People;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace AssignBridge.Journal;

/// <summary>The newest event of a ticket the bridge applied, with the row's ETag for the next conditional write.</summary>
internal sealed record TicketMark(long? Sequence, DateTimeOffset? ChangedAt, ETag ETag);

/// <summary>A UID the bridge put on an alert, and why.</summary>
internal sealed record ManagedAssignee(string Space, string AlertId, string Uid, string Source, string? Ticket, DateTimeOffset AssignedAt);

/// <summary>
/// Which assignees the bridge put on which alert (and from which ticket), so that a reassignment removes only
/// people the bridge added and reconciliation repairs only what it manages; plus, per ticket, the newest event
/// applied, so that an older event never overrides a newer one. One partition per alert (a hash of space and
/// id, so any id fits), one row per UID; a removed UID is kept as inactive rather than deleted, which keeps
/// every write an idempotent upsert.
/// </summary>
internal sealed class ManagedAssignees
{
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
        // One partition query per alert, side by side as RecordAsync writes them.
        var result = new System.Collections.Concurrent.ConcurrentDictionary<AlertRef, IReadOnlySet<string>>();
        await Parallel.ForEachAsync(alerts.Distinct(), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (alert, token) =>
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {AlertPartition(alert)} and Active eq true");
            var rows = await QueryAsync(filter, ["Uid"], int.MaxValue, token);
            result[alert] = rows.Select(row => row.GetString("Uid")).ToHashSet(StringComparer.Ordinal);
        });
        return result;
    }

    /// <summary>Records what one successful Kibana request did. Idempotent: a retried delivery writes the same rows.</summary>
    public async Task RecordAsync(string space, IReadOnlyList<string> alertIds, IReadOnlyList<string> added, IReadOnlyList<string> removed, AssignmentIntent intent, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        await Parallel.ForEachAsync(alertIds, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (alertId, token) =>
        {
            var partition = AlertPartition(new AlertRef(space, alertId));
            var actions = added.Select(uid => Row(partition, space, alertId, uid, active: true))
                .Concat(removed.Select(uid => Row(partition, space, alertId, uid, active: false)))
                .Select(row => new TableTransactionAction(TableTransactionActionType.UpsertReplace, row));
            foreach (var batch in actions.Chunk(100))
            {
                await GuardAsync(async () =>
                {
                    await _lazy.EnsureAsync(token); // again after storage lost the table (the guard retries once)
                    return await _table.SubmitTransactionAsync(batch, token);
                });
            }
        });

        TableEntity Row(string partition, string space, string alertId, string uid, bool active) => new(partition, RowKeys.Encode(uid))
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

    /// <summary>The newest event of a ticket applied so far (null when none), read once per delivery and handed back to <see cref="RememberAsync"/>.</summary>
    public async Task<TicketMark?> ReadTicketAsync(TicketRef ticket, CancellationToken cancellationToken = default)
    {
        var stored = await GuardAsync(async () =>
        {
            await _lazy.EnsureAsync(cancellationToken);
            return await _table.GetEntityIfExistsAsync<TableEntity>(TicketPartition(ticket.Key), "last", cancellationToken: cancellationToken);
        });
        return stored.HasValue ? new TicketMark(stored.Value!.GetInt64("Sequence"), stored.Value.GetDateTimeOffset("ChangedAt"), stored.Value.ETag) : null;
    }

    /// <summary>True when <paramref name="ticket"/> is older than the newest event applied (sequence first, then time).</summary>
    public static bool IsSuperseded(TicketRef ticket, TicketMark? newest) =>
        newest is not null && IsOlder(ticket, newest.Sequence, newest.ChangedAt);

    /// <summary>
    /// Remembers the newest applied event of a ticket, starting from what <see cref="ReadTicketAsync"/> saw; an older
    /// one never replaces a newer one, even when two race (a conflict reads the row again and compares).
    /// </summary>
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
                    await GuardAsync(() => _table.AddEntityAsync(row, cancellationToken));
                }
                else if (!IsSuperseded(ticket, seen))
                {
                    await GuardAsync(() => _table.UpdateEntityAsync(row, seen.ETag, TableUpdateMode.Replace, cancellationToken));
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

    private static string AlertPartition(AlertRef alert) => RowKeys.AlertPartition(alert.Space, alert.AlertId);

    private static string TicketPartition(string key) => RowKeys.TicketPartition(key);

    public async Task EnsureTableAsync(CancellationToken cancellationToken) => await GuardAsync(async () =>
    {
        await _lazy.EnsureAsync(cancellationToken);
        return true;
    });

    private Task<T> GuardAsync<T>(Func<Task<T>> operation) =>
        StorageGuard.RunAsync(operation, (reason, inner) => new JournalUnavailableException($"The managed-assignees table could not be used ({reason}).", inner), _lazy);

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
        });
}

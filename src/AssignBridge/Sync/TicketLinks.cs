using System.Text.Json;
using AssignBridge.Assignments;
using AssignBridge.Delivery;
using AssignBridge.Platform.Storage;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace AssignBridge.Sync;

/// <summary>An alert linked to a ticket, and its assignees as the bridge last saw them in Kibana (null: never looked at).</summary>
internal sealed record AlertLink(AlertRef Alert, IReadOnlyList<string>? Seen);

/// <summary>
/// A ticket the bridge applied deliveries from: its source and key, its reference for people, its assignee's UID as
/// the bridge last knew it (from the ticket's newest delivery, or from the bridge's own write), and its alerts.
/// </summary>
internal sealed record TicketLink(string Source, string Ticket, string? Reference, string? AssigneeUid, IReadOnlyList<AlertLink> Alerts);

/// <summary>What the bridge last wrote to a ticket, for recognising that write when the ticket's webhook brings it back.</summary>
internal sealed record TicketWrite(string? PersonId, DateTimeOffset At);

// Links tickets to the alerts their deliveries applied to, for two-way sync: one partition per ticket, its row
// ("ticket") holding the assignee the bridge knows, one row per alert holding the assignees last seen in Kibana. Written
// by EffectProjector off the sender's wait (so a delivery costs no more storage requests before its answer), by the
// sweep after each look, and by the ticket write after it is applied.
internal sealed class TicketLinks : IAppliedEffectsObserver
{
    private const string TicketRowKey = "ticket";
    private const string CursorPartition = "~sweep";
    private const string Unassigned = ""; // a merge leaves out null properties, so "nobody" must be a value

    private readonly TableClient _table;
    private readonly LazyTable _lazy;
    private readonly TimeProvider _time;
    private readonly HashSet<string> _synced;

    public TicketLinks(TableServiceClient tables, IOptions<SyncOptions> options, IEnumerable<SourceSync> sources, TimeProvider time)
    {
        _table = tables.GetTableClient(options.Value.TableName);
        _lazy = new LazyTable(_table);
        _time = time;
        _synced = [.. sources.Where(s => s.Enabled).Select(s => s.Source)];
    }

    public TableClient Table => _table;

    /// <summary>
    /// Links the ticket of an applied delivery to its alerts, and notes the ticket's assignee as the delivery left it;
    /// only for sources with sync turned on, so that a bridge without it writes nothing more.
    /// </summary>
    public Task AppliedAsync(AssignmentIntent intent, IReadOnlyList<AppliedEffect> effects, CancellationToken cancellationToken)
    {
        if (intent.Ticket is not { } ticket || effects.Count == 0 || !_synced.Contains(intent.Source))
        {
            return Task.CompletedTask;
        }

        // A ticket event names the one new assignee (or nobody): its UID is what the requests added.
        var assignee = effects.SelectMany(e => e.Add).FirstOrDefault() ?? Unassigned;
        var partition = RowKeys.TicketPartition(ticket.Key);
        var rows = effects.SelectMany(e => e.AlertIds.Select(id => new AlertRef(e.Space, id))).Distinct()
            .Select(alert => new TableEntity(partition, AlertRowKey(alert)) { ["Space"] = alert.Space, ["AlertId"] = alert.AlertId })
            .Prepend(new TableEntity(partition, TicketRowKey)
            {
                ["Source"] = intent.Source,
                ["Ticket"] = ticket.Key,
                ["Reference"] = intent.Reference ?? "",
                ["AssigneeUid"] = assignee,
                ["AssigneeFrom"] = "delivery",
                ["AssigneeAt"] = _time.GetUtcNow(),
            });
        return WriteAsync(rows, cancellationToken);
    }

    /// <summary>Notes a ticket write the bridge made: the ticket's assignee is now <paramref name="uid"/> (null: nobody), written as <paramref name="personId"/>.</summary>
    public Task RecordWriteAsync(string ticket, string? uid, string? personId, CancellationToken cancellationToken) =>
        WriteAsync([new TableEntity(RowKeys.TicketPartition(ticket), TicketRowKey)
        {
            ["Ticket"] = ticket,
            ["AssigneeUid"] = uid ?? Unassigned,
            ["AssigneeFrom"] = "bridge",
            ["AssigneeAt"] = _time.GetUtcNow(),
            ["WrittenAssignee"] = personId ?? Unassigned,
            ["WrittenAt"] = _time.GetUtcNow(),
        }], cancellationToken);

    /// <summary>Remembers the assignees of a ticket's alerts as seen now.</summary>
    public Task RecordSeenAsync(string ticket, IEnumerable<(AlertRef Alert, IReadOnlyList<string> Assignees)> seen, CancellationToken cancellationToken)
    {
        var partition = RowKeys.TicketPartition(ticket);
        var now = _time.GetUtcNow();
        return WriteAsync(seen.Select(s => new TableEntity(partition, AlertRowKey(s.Alert))
        {
            ["Space"] = s.Alert.Space,
            ["AlertId"] = s.Alert.AlertId,
            ["Seen"] = JsonSerializer.Serialize(s.Assignees, TicketLinksJsonContext.Default.IReadOnlyListString),
            ["SeenAt"] = now,
        }), cancellationToken);
    }

    /// <summary>The bridge's last write to a ticket, or null when it never wrote one.</summary>
    public Task<TicketWrite?> LastWriteAsync(string ticket, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        try
        {
            var row = await _table.GetEntityIfExistsAsync<TableEntity>(RowKeys.TicketPartition(ticket), TicketRowKey, ["WrittenAssignee", "WrittenAt"], cancellationToken);
            return row.HasValue && row.Value!.GetDateTimeOffset("WrittenAt") is { } at
                ? new TicketWrite(row.Value.GetString("WrittenAssignee") is { Length: > 0 } id ? id : null, at)
                : null;
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return null; // no table yet: nothing was written
        }
    }, cancellationToken);

    /// <summary>
    /// Up to <paramref name="max"/> linked tickets of the given sources, from where <paramref name="continuation"/> says the
    /// last page ended (null: the start), with the continuation for the next page (null when the scan reached the end).
    /// </summary>
    public Task<(IReadOnlyList<TicketLink> Tickets, string? Continuation)> PageAsync(IReadOnlyCollection<string> sources, string? continuation, int max, CancellationToken cancellationToken) =>
        GuardAsync<(IReadOnlyList<TicketLink>, string?)>(async () =>
        {
            await _lazy.EnsureAsync(cancellationToken);
            var filter = TableClient.CreateQueryFilter($"RowKey eq {TicketRowKey}");
            Page<TableEntity>? page = null;
            await foreach (var found in _table.QueryAsync<TableEntity>(filter, maxPerPage: max, cancellationToken: cancellationToken).AsPages(continuation, max))
            {
                page = found;
                break;
            }

            if (page is null)
            {
                return ([], null);
            }

            var tickets = new TicketLink?[page.Values.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, page.Values.Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (i, token) =>
            {
                var row = page.Values[i];
                if (row.GetString("Source") is not { } source || !sources.Contains(source, StringComparer.Ordinal))
                {
                    return;
                }

                var alerts = new List<AlertLink>();
                var alertFilter = TableClient.CreateQueryFilter($"PartitionKey eq {row.PartitionKey} and RowKey gt {"alert|"} and RowKey lt {"alert}"}");
                await foreach (var alert in _table.QueryAsync<TableEntity>(alertFilter, maxPerPage: 1_000, cancellationToken: token))
                {
                    var seen = alert.GetString("Seen") is { Length: > 0 } json ? JsonSerializer.Deserialize(json, TicketLinksJsonContext.Default.IReadOnlyListString) : null;
                    alerts.Add(new AlertLink(new AlertRef(alert.GetString("Space") ?? "", alert.GetString("AlertId") ?? ""), seen));
                }

                tickets[i] = new TicketLink(source, row.GetString("Ticket") ?? "", row.GetString("Reference") is { Length: > 0 } reference ? reference : null,
                    row.GetString("AssigneeUid") is { Length: > 0 } uid ? uid : null, alerts);
            });
            return ([.. tickets.OfType<TicketLink>()], page.ContinuationToken);
        }, cancellationToken);

    /// <summary>Where the sweep stopped last (null: at the start).</summary>
    public Task<string?> CursorAsync(CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        await _lazy.EnsureAsync(cancellationToken);
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(CursorPartition, "cursor", cancellationToken: cancellationToken);
        return row.HasValue && row.Value!.GetString("Continuation") is { Length: > 0 } next ? next : null;
    }, cancellationToken);

    public Task SaveCursorAsync(string? continuation, CancellationToken cancellationToken) =>
        WriteAsync([new TableEntity(CursorPartition, "cursor") { ["Continuation"] = continuation ?? "", ["At"] = _time.GetUtcNow() }], cancellationToken);

    private static string AlertRowKey(AlertRef alert) => "alert|" + RowKeys.AlertKey(alert.Space, alert.AlertId);

    // Merges rows, in entity-group transactions per partition (a ticket's rows share one).
    private Task<bool> WriteAsync(IEnumerable<TableEntity> rows, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        await _lazy.EnsureAsync(cancellationToken);
        foreach (var batch in rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal).SelectMany(p => p.Chunk(100)))
        {
            await _table.SubmitTransactionAsync(batch.Select(row => new TableTransactionAction(TableTransactionActionType.UpsertMerge, row)), cancellationToken);
        }

        return true;
    }, cancellationToken);

    private Task<T> GuardAsync<T>(Func<Task<T>> operation, CancellationToken cancellationToken) =>
        StorageGuard.RunAsync(operation, (reason, inner) => new JournalUnavailableException($"The ticket-links table '{_table.Name}' could not be used ({reason}).", inner), _lazy, cancellationToken);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class TicketLinksJsonContext : System.Text.Json.Serialization.JsonSerializerContext;

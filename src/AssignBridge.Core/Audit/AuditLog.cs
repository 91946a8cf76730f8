using System.Globalization;
using System.Text.Json;
using AssignBridge.Assignments;
using AssignBridge.Kibana;
using AssignBridge.Notifications;
using AssignBridge.Platform.Storage;
using Azure.Data.Tables;
using Azure;
using Microsoft.Extensions.Options;

namespace AssignBridge.Audit;

/// <summary>The audit table could not be used. Writing it again later may help.</summary>
internal sealed class AuditUnavailableException(string message, Exception innerException) : Exception(message, innerException);

// The audit trail Kibana does not keep: every Kibana assignees request the bridge made for a delivery, with its
// cause and Kibana's answer. One partition per alert (a hash of space and id) and one per ticket or reference, so
// both questions ("who assigned this alert?", "what did this ticket do?") are one partition query; row keys sort
// newest first. Rows older than RetentionDays are deleted by reconciliation.
internal sealed class AuditLog
{
    /// <summary>Alert ids kept on a ticket's row (a property holds at most 32K characters); per-alert rows hold every alert.</summary>
    public const int MaxAlertIdsKept = 200;

    private const int MaxMessageLength = 1_000;
    private readonly TableClient _table;
    private readonly AuditOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AuditLog> _logger;
    private readonly AssignmentNotifier? _notifier;
    private readonly LazyTable _lazy;

    public AuditLog(TableServiceClient tables, IOptions<AuditOptions> options, TimeProvider time, ILogger<AuditLog> logger, AssignmentNotifier? notifier = null)
    {
        _notifier = notifier;
        _options = options.Value;
        _table = tables.GetTableClient(_options.TableName);
        _lazy = new LazyTable(_table);
        _time = time;
        _logger = logger;
    }

    /// <summary>Records a request Kibana applied. Throws when the table cannot be written, so the delivery is tried again (the request is idempotent) and nothing applied goes unrecorded.</summary>
    /// <exception cref="AuditUnavailableException">The audit table could not be written.</exception>
    public Task RecordAppliedAsync(string space, IReadOnlyList<string> alertIds, IReadOnlyList<string> added, IReadOnlyList<string> removed,
        AssignmentIntent intent, UpdateByQueryResponse response, CancellationToken cancellationToken = default) =>
        RecordAppliedAsync(space, alertIds, added, removed, intent,
            new KibanaAnswer(200, response.Total, response.Updated, response.VersionConflicts, response.Noops, response.Failures?.Count ?? 0, null),
            _time.GetUtcNow(), Guid.NewGuid().ToString("n"), notify: true, cancellationToken);

    /// <summary>
    /// Records a request Kibana applied at <paramref name="at"/>, under <paramref name="unique"/>: written again with the
    /// same two, it is the same row (so a delivery's rows can be written more than once). Notifies only when
    /// <paramref name="notify"/> and the request changed an alert.
    /// </summary>
    /// <exception cref="AuditUnavailableException">The audit table could not be written.</exception>
    public async Task RecordAppliedAsync(string space, IReadOnlyList<string> alertIds, IReadOnlyList<string> added, IReadOnlyList<string> removed,
        AssignmentIntent intent, KibanaAnswer answer, DateTimeOffset at, string unique, bool notify, CancellationToken cancellationToken = default)
    {
        await WriteAsync(space, alertIds, added, removed, intent, AuditRecord.Applied, answer, at, unique, cancellationToken);
        if (notify && answer.Updated > 0 && _notifier is not null)
        {
            await _notifier.EnqueueAsync(new AssignedNotice(space, alertIds, added, intent), cancellationToken); // never throws: best effort
        }
    }

    /// <summary>Records a request Kibana refused or never answered. Best effort: the journal holds the failure in any case.</summary>
    public async Task RecordFailedAsync(string space, IReadOnlyList<string> alertIds, IReadOnlyList<string> added, IReadOnlyList<string> removed,
        AssignmentIntent intent, KibanaRequestException failure, CancellationToken cancellationToken = default)
    {
        var answer = new KibanaAnswer(failure.StatusCode, null, null, null, null, null, Truncate(failure.KibanaMessage, MaxMessageLength));
        try
        {
            await WriteAsync(space, alertIds, added, removed, intent, AuditRecord.Failed, answer, _time.GetUtcNow(), Guid.NewGuid().ToString("n"), cancellationToken);
        }
        catch (AuditUnavailableException exception)
        {
            Log.FailureNotAudited(_logger, space, exception.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Log.FailureNotAudited(_logger, space, "the attempt ran out of time");
        }
    }

    /// <summary>Records a request a dry run planned and did not send (Kibana's part left empty, the message saying so).</summary>
    /// <exception cref="AuditUnavailableException">The audit table could not be written.</exception>
    public Task RecordPlannedAsync(string space, IReadOnlyList<string> alertIds, IReadOnlyList<string> added, IReadOnlyList<string> removed,
        AssignmentIntent intent, CancellationToken cancellationToken = default) =>
        WriteAsync(space, alertIds, added, removed, intent, AuditRecord.Planned, new KibanaAnswer(0, null, null, null, null, null, "dry run: not sent to Kibana"),
            _time.GetUtcNow(), Guid.NewGuid().ToString("n"), cancellationToken);

    /// <summary>
    /// Records a ticket write of two-way sync (applied, planned by a dry run, held back as a conflict or superseded): a row
    /// under the ticket's key and reference, and one per linked alert, like a Kibana request's.
    /// </summary>
    /// <exception cref="AuditUnavailableException">The audit table could not be written.</exception>
    public Task RecordTicketAsync(AssignmentIntent intent, string result, TicketWriteAnswer answer, CancellationToken cancellationToken = default)
    {
        var at = _time.GetUtcNow();
        var unique = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{intent.Source}\n{intent.DeliveryId}\n{result}")))[..32];
        var tasks = intent.Alerts.GroupBy(a => a.Space, StringComparer.Ordinal)
            .Select(space => WriteAsync(space.Key, [.. space.Select(a => a.AlertId)], intent.Add.Select(p => p.Id).ToList(), intent.Remove.Select(p => p.Id).ToList(),
                intent, result, new KibanaAnswer(0, null, null, null, null, null, null), at, unique, cancellationToken, answer));
        return Task.WhenAll(tasks);
    }

    /// <summary>What the bridge did to one alert, newest first.</summary>
    /// <exception cref="AuditUnavailableException">The audit table could not be read.</exception>
    public Task<IReadOnlyList<AuditRecord>> ForAlertAsync(string space, string alertId, int top, CancellationToken cancellationToken = default) =>
        ForAlertBothLayoutsAsync(space, alertId, top, cancellationToken);

    /// <summary>An alert's rows in its bucket, and those versions before 1 Dec 2026 kept in a partition of its own, newest first.</summary>
    private async Task<IReadOnlyList<AuditRecord>> ForAlertBothLayoutsAsync(string space, string alertId, int top, CancellationToken cancellationToken)
    {
        var key = RowKeys.AlertKey(space, alertId);
        var current = QueryAsync(AlertPartition(space, alertId), key, top, cancellationToken);
        var legacy = QueryAsync(RowKeys.LegacyAlertPartition(key), null, top, cancellationToken);
        return [.. (await current).Concat(await legacy).OrderByDescending(r => r.At).Take(top)];
    }

    /// <summary>What one ticket (its key, such as <c>jira:10002</c>, or its reference, such as <c>SOC-1234</c>) caused, newest first.</summary>
    /// <exception cref="AuditUnavailableException">The audit table could not be read.</exception>
    public Task<IReadOnlyList<AuditRecord>> ForTicketAsync(string ticket, int top, CancellationToken cancellationToken = default) =>
        QueryAsync(TicketPartition(ticket), null, top, cancellationToken);

    // Deletes up to PurgeBatchSize rows older than the retention; the rest go in later runs.
    // Never throws for storage or for running out of time: retention is housekeeping, not part of a delivery.
    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken = default)
    {
        var cutoff = _time.GetUtcNow().AddDays(-_options.RetentionDays);
        var deleted = 0;
        try
        {
            await EnsureTableAsync(cancellationToken);
            var filter = TableClient.CreateQueryFilter($"At lt {cutoff}");
            var expired = new List<TableEntity>();
            await foreach (var row in _table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(_options.PurgeBatchSize, 1_000), select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
            {
                expired.Add(row);
                if (expired.Count >= _options.PurgeBatchSize)
                {
                    break;
                }
            }

            foreach (var partition in expired.GroupBy(r => r.PartitionKey, StringComparer.Ordinal))
            {
                foreach (var batch in partition.Chunk(100))
                {
                    await _table.SubmitTransactionAsync(batch.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)), cancellationToken);
                    deleted += batch.Length;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Log.PurgeFailed(_logger, "ran out of time; the rest goes in the next run");
        }
        catch (Exception exception) when (StorageGuard.Reason(exception, cancellationToken) is { } reason)
        {
            Log.PurgeFailed(_logger, reason);
        }

        if (deleted > 0)
        {
            Log.Purged(_logger, deleted, _options.RetentionDays);
        }

        return deleted;
    }

    internal static string AlertPartition(string space, string alertId) => RowKeys.AlertPartition(space, alertId);

    internal static string TicketPartition(string ticket) => RowKeys.TicketPartition(ticket);

    /// <summary>Newest first: the row key starts with the time counted down from the end of time.</summary>
    internal static string RowKey(DateTimeOffset at, string unique) =>
        (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "|" + unique;

    /// <summary>An alert's row in its bucket partition: the alert's key first, so its rows sit together newest first.</summary>
    internal static string AlertRowKey(string space, string alertId, DateTimeOffset at, string unique) =>
        RowKeys.AlertKey(space, alertId) + "|" + RowKey(at, unique);

    private async Task WriteAsync(string space, IReadOnlyList<string> alertIds, IReadOnlyList<string> added, IReadOnlyList<string> removed,
        AssignmentIntent intent, string result, KibanaAnswer answer, DateTimeOffset at, string unique, CancellationToken cancellationToken, TicketWriteAnswer? ticketWrite = null)
    {
        // One row per ticket name (its key and its reference) in its own partition, and one per alert in the alert's
        // bucket: a bucket's rows go in transactions of up to 100, all side by side.
        var kept = alertIds.Take(MaxAlertIdsKept).ToList();
        var batches = new[] { intent.Ticket?.Key, intent.Reference }.OfType<string>().Where(t => t.Length > 0).Distinct(StringComparer.Ordinal)
            .Select(ticket => Row(TicketPartition(ticket), RowKey(at, unique), kept))
            .Concat(alertIds.Distinct(StringComparer.Ordinal).Select(alertId => Row(AlertPartition(space, alertId), AlertRowKey(space, alertId, at, unique), [alertId])))
            .GroupBy(row => row.PartitionKey, StringComparer.Ordinal)
            .SelectMany(partition => partition.Chunk(100))
            .ToList();
        await GuardAsync(async () =>
        {
            await EnsureTableAsync(cancellationToken);
            await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (batch, token) =>
                await _table.SubmitTransactionAsync(batch.Select(row => new TableTransactionAction(TableTransactionActionType.UpsertReplace, row)), token));
            return true;
        }, cancellationToken);

        TableEntity Row(string partition, string rowKey, IReadOnlyList<string> alerts) => new(partition, rowKey)
        {
            ["At"] = at,
            ["Result"] = result,
            ["Space"] = space,
            ["Alerts"] = Json(alerts),
            ["AlertCount"] = alertIds.Count,
            ["Added"] = Json(added),
            ["Removed"] = Json(removed),
            ["Source"] = intent.Source,
            ["DeliveryId"] = intent.DeliveryId,
            ["Ticket"] = intent.Ticket?.Key,
            ["Reference"] = intent.Reference,
            ["RequestedBy"] = intent.RequestedBy,
            ["KibanaStatus"] = answer.Status,
            ["Total"] = answer.Total,
            ["Updated"] = answer.Updated,
            ["VersionConflicts"] = answer.VersionConflicts,
            ["Noops"] = answer.Noops,
            ["Failures"] = answer.Failures,
            ["KibanaMessage"] = answer.Message,
            ["TicketSystem"] = ticketWrite?.System,
            ["TicketAssignee"] = ticketWrite is null ? null : ticketWrite.Assignee ?? "",
            ["TicketMessage"] = ticketWrite?.Message,
        };
    }

    private async Task<IReadOnlyList<AuditRecord>> QueryAsync(string partition, string? rowPrefix, int top, CancellationToken cancellationToken)
    {
        return await GuardAsync(async () =>
        {
            var records = new List<AuditRecord>();
            try
            {
                var filter = rowPrefix is null
                    ? TableClient.CreateQueryFilter($"PartitionKey eq {partition}")
                    : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {rowPrefix + "|"} and RowKey lt {rowPrefix + "}"}");
                await foreach (var row in _table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(top, 1_000), cancellationToken: cancellationToken))
                {
                    records.Add(Read(row));
                    if (records.Count >= top)
                    {
                        break;
                    }
                }
            }
            catch (RequestFailedException exception) when (exception.Status == 404)
            {
                // No table yet: nothing was ever recorded.
            }

            return records;
        }, cancellationToken);
    }

    private static AuditRecord Read(TableEntity row) => new(
        row.GetDateTimeOffset("At") ?? row.Timestamp ?? DateTimeOffset.MinValue,
        row.GetString("Result") ?? AuditRecord.Applied,
        row.GetString("Space") ?? "",
        List(row.GetString("Alerts")),
        row.GetInt32("AlertCount") ?? 0,
        List(row.GetString("Added")),
        List(row.GetString("Removed")),
        row.GetString("Source") ?? "",
        row.GetString("DeliveryId") ?? "",
        row.GetString("Ticket"),
        row.GetString("Reference"),
        row.GetString("RequestedBy"),
        new KibanaAnswer(row.GetInt32("KibanaStatus") ?? 0, row.GetInt64("Total"), row.GetInt64("Updated"), row.GetInt64("VersionConflicts"),
            row.GetInt64("Noops"), row.GetInt32("Failures"), row.GetString("KibanaMessage")))
    {
        TicketWrite = row.GetString("TicketSystem") is { } system
            ? new TicketWriteAnswer(system, row.GetString("TicketAssignee") is { Length: > 0 } assignee ? assignee : null, row.GetString("TicketMessage"))
            : null,
    };

    private static string Json(IReadOnlyList<string> values) => JsonSerializer.Serialize(values, AuditJsonContext.Default.IReadOnlyListString);

    private static IReadOnlyList<string> List(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize(json, AuditJsonContext.Default.IReadOnlyListString) ?? [];


    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + "…";

    public Task EnsureTableAsync(CancellationToken cancellationToken) => _lazy.EnsureAsync(cancellationToken);

    private Task<T> GuardAsync<T>(Func<Task<T>> operation, CancellationToken cancellationToken) =>
        StorageGuard.RunAsync(operation, (reason, inner) => new AuditUnavailableException($"The audit table '{_table.Name}' could not be used ({reason}).", inner), _lazy, cancellationToken);
}

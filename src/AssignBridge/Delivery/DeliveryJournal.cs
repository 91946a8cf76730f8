using System.Security.Cryptography;
using System.Text.Json;
using AssignBridge.Assignments;
using AssignBridge.Platform.Caching;
using AssignBridge.Platform.Storage;
using AssignBridge.Platform.Telemetry;
using Azure.Data.Tables;
using Azure;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace AssignBridge.Delivery;

/// <summary>The journal could not be read or written. Nothing is promised to the sender until it can.</summary>
internal sealed class JournalUnavailableException(string message, Exception innerException) : Exception(message, innerException);

// One row per delivery, keyed by sender (PartitionKey) and delivery id (RowKey), written before any side
// effect so that a redelivery is recognised and a crash loses nothing. Every change is conditional on the
// row's ETag, so two instances never both act on one delivery: the one whose write fails backs off.
internal sealed class DeliveryJournal
{
    private const int ChunkBytes = 60 * 1_024; // a table property holds at most 64 KiB
    private const int MaxChunks = 15;          // and an entity at most 1 MiB
    private const int MaxEffectBytes = 180 * 1_024; // effects a row carries; more are written before the outcome instead
    private static readonly TimeSpan MarkLifetime = TimeSpan.FromMinutes(10);

    private readonly TableClient _table;
    private readonly JournalOptions _options;
    private readonly TimeProvider _time;
    private readonly LazyTable _lazy;
    private readonly MemoryCache _marks;

    public DeliveryJournal(TableServiceClient tables, IOptions<JournalOptions> options, TimeProvider time)
    {
        _marks = BoundedMemoryCache.Create(10_000, time);
        _options = options.Value;
        _table = tables.GetTableClient(_options.TableName);
        _lazy = new LazyTable(_table);
        _time = time;
    }

    public TableClient Table => _table;

    // Records a delivery, or finds the one already recorded under the same sender and delivery id
    // (SameBody false when a different request reused the id). A new delivery is claimed by the caller for
    // ClaimSeconds, and that first attempt is already counted. For a ticket's event the same request (an entity-group
    // transaction: the ticket's row sits in its sender's partition) also checks the ticket's newest applied event:
    // the mark this instance holds is confirmed by its ETag, or a ticket never seen gets its row; so the attempt knows
    // the mark without a read of its own. Only when another delivery changed the mark meanwhile is it read.
    public async Task<(JournalEntry Entry, bool Created, bool SameBody, TicketMark? Mark)> RecordAsync(AssignmentIntent intent, CancellationToken cancellationToken = default)
    {
        using var span = AssignBridgeTelemetry.Step("journal.record");
        var json = JsonSerializer.SerializeToUtf8Bytes(intent, JournalJsonContext.Default.AssignmentIntent);
        var hash = Hash(json);
        var now = _time.GetUtcNow();
        var entity = new TableEntity(PartitionKey(intent.Source), RowKeys.Encode(intent.DeliveryId))
        {
            ["Status"] = JournalEntry.StatusName(DeliveryStatus.Pending),
            ["Attempts"] = 1, // the caller's first attempt counts from the start: if it never ends, it still counted
            ["RecordedAt"] = now,
            ["NextAttemptAt"] = now,
            ["ClaimedUntil"] = now.AddSeconds(_options.ClaimSeconds),
            ["BodyHash"] = hash,
            ["Reference"] = intent.Reference,
        };
        WriteChunks(entity, json);
        JournalEntry Recorded(ETag? etag) =>
            new(intent, DeliveryStatus.Pending, 1, now, now, now.AddSeconds(_options.ClaimSeconds), null, hash, etag ?? ETag.All) { IntentBytes = json.Length };

        return await GuardAsync(async () =>
        {
            await EnsureTableAsync(cancellationToken);
            var ticket = intent.Ticket;
            var mark = ticket is null ? null : Known(intent.Source, ticket.Key);
            try
            {
                // Three tries to confirm the mark, each after reading what another delivery wrote; then the row alone, with the mark last read.
                for (var tries = 0; ticket is not null && tries < 3; tries++)
                {
                    TableTransactionAction check = mark is null
                        ? new(TableTransactionActionType.Add, TicketRow(intent.Source, ticket.Key, null))
                        : new(TableTransactionActionType.UpdateMerge, new TableEntity(entity.PartitionKey, RowKeys.TicketRow(ticket.Key)) { ["SeenAt"] = now }, mark.ETag);
                    try
                    {
                        var responses = (await _table.SubmitTransactionAsync([new(TableTransactionActionType.Add, entity), check], cancellationToken)).Value;
                        mark = (mark ?? new TicketMark(null, null, default)) with { ETag = responses[1].Headers.ETag ?? ETag.All };
                        Keep(intent.Source, ticket.Key, mark);
                        return (Recorded(responses[0].Headers.ETag), true, true, mark);
                    }
                    catch (TableTransactionFailedException exception) when (exception.FailedTransactionActionIndex == 1 && exception.Status is 409 or 412 or 404)
                    {
                        mark = await ReadTicketCoreAsync(intent.Source, ticket.Key, cancellationToken);
                    }
                }

                var response = await _table.AddEntityAsync(entity, cancellationToken);
                return (Recorded(response.Headers.ETag), true, true, mark);
            }
            catch (RequestFailedException exception) when (exception.Status == 409 && exception is not TableTransactionFailedException { FailedTransactionActionIndex: > 0 })
            {
                var existing = await _table.GetEntityAsync<TableEntity>(entity.PartitionKey, entity.RowKey, cancellationToken: cancellationToken);
                var found = Read(existing.Value)
                    ?? throw new JournalUnavailableException($"The journal row of delivery {intent.DeliveryId} cannot be read.", new InvalidDataException(existing.Value.RowKey));
                return (found, false, found.BodyHash == hash, (TicketMark?)null);
            }
        }, cancellationToken);
    }

    /// <summary>The newest applied event of a ticket of <paramref name="source"/> (null when none was recorded), read from its row.</summary>
    public Task<TicketMark?> ReadTicketAsync(string source, TicketRef ticket, CancellationToken cancellationToken = default) =>
        GuardAsync(async () =>
        {
            await EnsureTableAsync(cancellationToken);
            return await ReadTicketCoreAsync(source, ticket.Key, cancellationToken);
        }, cancellationToken);

    private async Task<TicketMark?> ReadTicketCoreAsync(string source, string ticket, CancellationToken cancellationToken)
    {
        var stored = await _table.GetEntityIfExistsAsync<TableEntity>(PartitionKey(source), RowKeys.TicketRow(ticket), cancellationToken: cancellationToken);
        var mark = stored.HasValue ? new TicketMark(stored.Value!.GetInt64("Sequence"), stored.Value.GetDateTimeOffset("ChangedAt"), stored.Value.ETag) : null;
        Keep(source, ticket, mark);
        return mark;
    }

    // Remembers the newest applied event of a ticket, starting from the mark the attempt decided on; an older one never
    // replaces a newer one, even when two race (a conflict reads the row again and compares).
    private async Task RememberAsync(string source, TicketOutcome outcome, CancellationToken cancellationToken)
    {
        var (ticket, seen) = outcome;
        for (var attempt = 0; attempt < 3 && !TicketMark.IsSuperseded(ticket, seen); attempt++)
        {
            try
            {
                var row = TicketRow(source, ticket.Key, ticket);
                var response = seen is null
                    ? await _table.AddEntityAsync(row, cancellationToken)
                    : await _table.UpdateEntityAsync(row, seen.ETag, TableUpdateMode.Replace, cancellationToken);
                Keep(source, ticket.Key, new TicketMark(ticket.Sequence, ticket.ChangedAt, response.Headers.ETag ?? ETag.All));
                return;
            }
            catch (RequestFailedException exception) when (exception.Status is 409 or 412 or 404)
            {
                seen = await ReadTicketCoreAsync(source, ticket.Key, cancellationToken); // another delivery wrote first: compare with theirs
            }
        }
    }

    private TableEntity TicketRow(string source, string ticket, TicketRef? applied) =>
        new(PartitionKey(source), RowKeys.TicketRow(ticket)) { ["Ticket"] = ticket, ["Sequence"] = applied?.Sequence, ["ChangedAt"] = applied?.ChangedAt, ["SeenAt"] = _time.GetUtcNow() };

    /// <summary>The mark of a ticket this instance last wrote or read; a guess until a conditional write confirms it.</summary>
    private TicketMark? Known(string source, string ticket) => _marks.TryGetValue((source, ticket), out TicketMark? mark) ? mark : null;

    private void Keep(string source, string ticket, TicketMark? mark)
    {
        if (mark is null)
        {
            _marks.Remove((source, ticket));
        }
        else
        {
            _marks.SetFor((source, ticket), mark, MarkLifetime);
        }
    }

    // Takes a delivery for one attempt and counts that attempt now, before anything is tried: an attempt that never
    // writes its result (its instance stopped, its claim expired and another took over) still counted, so
    // MaxAttempts bounds how often Kibana is asked. Null when another instance changed it first.
    public async Task<JournalEntry?> TryClaimAsync(JournalEntry entry, CancellationToken cancellationToken = default)
    {
        var until = _time.GetUtcNow().AddSeconds(_options.ClaimSeconds);
        var attempts = entry.Attempts + 1;
        var entity = new TableEntity(PartitionKey(entry.Source), RowKeys.Encode(entry.DeliveryId)) { ["ClaimedUntil"] = until, ["Attempts"] = attempts };
        return await TryMergeAsync(entity, entry.ETag, cancellationToken) is { } etag ? entry with { ClaimedUntil = until, Attempts = attempts, ETag = etag } : null;
    }

    /// <summary>
    /// Writes the result of an attempt (already counted by its claim), with the Kibana requests it applied so far
    /// (<paramref name="done"/>) so that the next attempt does not send them again, what they applied
    /// (<paramref name="effects"/>, until EffectProjector has written their rows) and, in the same request, the ticket's
    /// newest applied event (<paramref name="ticket"/>). The row's new ETag; null when another instance changed it meanwhile.
    /// </summary>
    public async Task<ETag?> CompleteAsync(JournalEntry claimed, DeliveryStatus status, string? error, DateTimeOffset? nextAttemptAt, IReadOnlyCollection<string>? done = null,
        IReadOnlyList<AppliedEffect>? effects = null, TicketOutcome? ticket = null, CancellationToken cancellationToken = default)
    {
        using var span = AssignBridgeTelemetry.Step("journal.complete");
        var now = _time.GetUtcNow();
        var entity = new TableEntity(PartitionKey(claimed.Source), RowKeys.Encode(claimed.DeliveryId))
        {
            ["Status"] = JournalEntry.StatusName(status),
            ["Attempts"] = claimed.Attempts,
            ["NextAttemptAt"] = nextAttemptAt ?? now,
            ["ClaimedUntil"] = now,
            ["LastError"] = error is null ? null : Shorten(error),
            ["CompletedAt"] = status is DeliveryStatus.Applied or DeliveryStatus.Rejected or DeliveryStatus.Dead ? now : null,
            ["Done"] = status is DeliveryStatus.Retrying ? DoneText(done) : null,
        };
        if (effects is { Count: > 0 })
        {
            var chunks = JsonSerializer.SerializeToUtf8Bytes(effects, JournalJsonContext.Default.IReadOnlyListAppliedEffect).Chunk(ChunkBytes).ToList();
            for (var i = 0; i < chunks.Count; i++)
            {
                entity[$"Effects{i}"] = chunks[i];
            }

            entity["EffectChunks"] = chunks.Count;
            entity["Projected"] = false;
        }

        if (ticket is null || ticket.Ticket.Sequence is null && ticket.Ticket.ChangedAt is null || TicketMark.IsSuperseded(ticket.Ticket, ticket.Seen))
        {
            return await TryMergeAsync(entity, claimed.ETag, cancellationToken);
        }

        return await GuardAsync<ETag?>(async () =>
        {
            var row = TicketRow(claimed.Source, ticket.Ticket.Key, ticket.Ticket);
            TableTransactionAction remember = ticket.Seen is null
                ? new(TableTransactionActionType.Add, row)
                : new(TableTransactionActionType.UpdateReplace, row, ticket.Seen.ETag);
            try
            {
                var responses = (await _table.SubmitTransactionAsync([new(TableTransactionActionType.UpdateMerge, entity, claimed.ETag), remember], cancellationToken)).Value;
                Keep(claimed.Source, ticket.Ticket.Key, new TicketMark(ticket.Ticket.Sequence, ticket.Ticket.ChangedAt, responses[1].Headers.ETag ?? ETag.All));
                return responses[0].Headers.ETag ?? ETag.All;
            }
            catch (TableTransactionFailedException exception) when (exception.Status is 409 or 412 or 404)
            {
                // Another delivery of the ticket wrote its mark meanwhile (or another instance took the row): each write
                // on its own, the mark compared with theirs.
                ETag? written = exception.FailedTransactionActionIndex == 0 ? null : await TryMergeCoreAsync(entity, claimed.ETag, cancellationToken);
                await RememberAsync(claimed.Source, ticket, cancellationToken);
                return written;
            }
        }, cancellationToken);
    }

    /// <summary>Notes that the effects the row carries have their rows written; false when the row changed since <paramref name="etag"/> (its next outcome carries them again).</summary>
    public async Task<bool> MarkProjectedAsync(string source, string deliveryId, ETag etag, CancellationToken cancellationToken = default) =>
        await TryMergeAsync(new TableEntity(PartitionKey(source), RowKeys.Encode(deliveryId)) { ["Projected"] = true }, etag, cancellationToken) is not null;

    /// <summary>Rows whose effects still wait for their rows, left by an attempt more than <paramref name="after"/> ago (its projection was cut off).</summary>
    public async Task<IReadOnlyList<JournalEntry>> UnprojectedAsync(int max, TimeSpan after, CancellationToken cancellationToken = default)
    {
        var before = _time.GetUtcNow() - after;
        return await GuardAsync(async () =>
        {
            await EnsureTableAsync(cancellationToken);
            var rows = new List<JournalEntry>();
            await foreach (var entity in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"Projected eq false and ClaimedUntil le {before}"), maxPerPage: Math.Min(max, 1_000), cancellationToken: cancellationToken))
            {
                if (Read(entity) is { } entry)
                {
                    rows.Add(entry);
                }

                if (rows.Count >= max)
                {
                    break;
                }
            }

            return (IReadOnlyList<JournalEntry>)rows;
        }, cancellationToken);
    }

    /// <summary>How many bytes of effects a row can carry besides its intent (a row holds at most 1 MiB).</summary>
    public static int EffectBudget(JournalEntry entry) => Math.Max(0, Math.Min(MaxEffectBytes, (960 * 1_024) - entry.IntentBytes));

    /// <summary>The row of a delivery; null when there is none (an id that cannot be a key has none either).</summary>
    public async Task<JournalEntry?> GetAsync(string source, string deliveryId, CancellationToken cancellationToken = default) =>
        !IsKey(source) || !IsKey(deliveryId) ? null : await GuardAsync(async () =>
        {
            await EnsureTableAsync(cancellationToken);
            var response = await _table.GetEntityIfExistsAsync<TableEntity>(PartitionKey(source), RowKeys.Encode(deliveryId), cancellationToken: cancellationToken);
            return response.HasValue ? Read(response.Value!) : null;
        }, cancellationToken);

    /// <summary>
    /// Deliveries waiting for an attempt whose time came more than <paramref name="overdueBy"/> ago and that nobody
    /// holds, oldest first within the batch. A row that cannot be read (its intent lost or damaged) is ended as rejected
    /// on the way, so that it is neither due again on every run nor stops the runs.
    /// </summary>
    public async Task<IReadOnlyList<JournalEntry>> DueAsync(int max, TimeSpan overdueBy, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var dueBefore = now - overdueBy;
        var (due, unreadable) = await GuardAsync(async () =>
        {
            var filter = TableClient.CreateQueryFilter($"(Status eq {JournalEntry.StatusName(DeliveryStatus.Pending)} or Status eq {JournalEntry.StatusName(DeliveryStatus.Retrying)}) and NextAttemptAt le {dueBefore} and ClaimedUntil le {now}");
            await EnsureTableAsync(cancellationToken);
            var entries = new List<JournalEntry>();
            var bad = new List<TableEntity>();
            await foreach (var entity in _table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(max, 1_000), cancellationToken: cancellationToken))
            {
                if (Read(entity) is { } entry)
                {
                    entries.Add(entry);
                }
                else
                {
                    bad.Add(entity);
                }

                if (entries.Count + bad.Count >= max)
                {
                    break;
                }
            }

            return (entries, bad);
        }, cancellationToken);

        foreach (var row in unreadable)
        {
            var ended = new TableEntity(row.PartitionKey, row.RowKey)
            {
                ["Status"] = JournalEntry.StatusName(DeliveryStatus.Rejected),
                ["LastError"] = "The journal row could not be read (its recorded request is missing or damaged); nothing more will be tried. Ask the sender to send it again.",
                ["CompletedAt"] = now,
                ["ClaimedUntil"] = now,
            };
            await TryMergeAsync(ended, row.ETag, cancellationToken);
        }

        return [.. due.OrderBy(e => e.NextAttemptAt)];
    }

    /// <summary>
    /// Journal rows for operators, newest first, optionally of one status and sender. Table Storage returns rows in
    /// key order, not by time, so every matching row is read (only the columns that decide the order) and the
    /// newest <paramref name="max"/> are kept; then those rows are read whole.
    /// </summary>
    public async Task<IReadOnlyList<JournalEntry>> ListAsync(DeliveryStatus? status, string? source, int max, CancellationToken cancellationToken = default) =>
        await GuardAsync(async () =>
        {
            var filters = new List<string> { "PartitionKey ne '$lease'", $"(RowKey lt '{RowKeys.TicketRowsFrom}' or RowKey ge '{RowKeys.TicketRowsTo}')" };
            if (status is { } s)
            {
                filters.Add(TableClient.CreateQueryFilter($"Status eq {JournalEntry.StatusName(s)}"));
            }

            if (source is not null)
            {
                filters.Add(TableClient.CreateQueryFilter($"PartitionKey eq {PartitionKey(source)}"));
            }

            await EnsureTableAsync(cancellationToken);
            var newest = new PriorityQueue<(string Partition, string Row), (DateTimeOffset, string, string)>(max + 1, NewestFirst.Instance);
            await foreach (var key in _table.QueryAsync<TableEntity>(string.Join(" and ", filters), maxPerPage: 1_000, select: ["PartitionKey", "RowKey", "RecordedAt"], cancellationToken: cancellationToken))
            {
                // A min-queue on (time, keys) holding the newest rows seen: the oldest of them leaves first.
                newest.Enqueue((key.PartitionKey, key.RowKey), (key.GetDateTimeOffset("RecordedAt") ?? DateTimeOffset.MinValue, key.PartitionKey, key.RowKey));
                if (newest.Count > max)
                {
                    newest.Dequeue();
                }
            }

            var keys = newest.UnorderedItems.OrderByDescending(k => k.Priority, NewestFirst.Instance).Select(k => k.Element).ToList();
            var rows = new JournalEntry?[keys.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, keys.Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (i, token) =>
            {
                var row = await _table.GetEntityIfExistsAsync<TableEntity>(keys[i].Partition, keys[i].Row, cancellationToken: token);
                rows[i] = row.HasValue ? Read(row.Value!) : null;
            });
            return (IReadOnlyList<JournalEntry>)[.. rows.OfType<JournalEntry>()];
        }, cancellationToken);

    /// <summary>Orders rows by the time they were recorded, then by their keys, so that equal times still order the same way.</summary>
    private sealed class NewestFirst : IComparer<(DateTimeOffset At, string Partition, string Row)>
    {
        public static readonly NewestFirst Instance = new();

        public int Compare((DateTimeOffset At, string Partition, string Row) x, (DateTimeOffset At, string Partition, string Row) y)
        {
            var byTime = x.At.CompareTo(y.At);
            if (byTime != 0)
            {
                return byTime;
            }

            var byPartition = string.CompareOrdinal(x.Partition, y.Partition);
            return byPartition != 0 ? byPartition : string.CompareOrdinal(x.Row, y.Row);
        }
    }

    // An operator's replay: the delivery gets a fresh budget of attempts (the first one counted now, since the caller
    // makes it) and every Kibana request is sent again. Null when another instance changed it first.
    public async Task<JournalEntry?> ReplayAsync(JournalEntry entry, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var until = now.AddSeconds(_options.ClaimSeconds);
        var entity = new TableEntity(PartitionKey(entry.Source), RowKeys.Encode(entry.DeliveryId))
        {
            ["Status"] = JournalEntry.StatusName(DeliveryStatus.Retrying),
            ["Attempts"] = 1,
            ["NextAttemptAt"] = now,
            ["ClaimedUntil"] = until,
            ["Done"] = null,
        };
        return await TryMergeAsync(entity, entry.ETag, cancellationToken) is { } etag
            ? entry with { Status = DeliveryStatus.Retrying, Attempts = 1, NextAttemptAt = now, ClaimedUntil = until, Done = [], ETag = etag }
            : null;
    }

    /// <summary>Merges <paramref name="entity"/> into the row if it is still at <paramref name="etag"/>: its new ETag, or null when another instance changed or removed it first.</summary>
    private Task<ETag?> TryMergeAsync(TableEntity entity, ETag etag, CancellationToken cancellationToken) =>
        GuardAsync(() => TryMergeCoreAsync(entity, etag, cancellationToken), cancellationToken);

    private async Task<ETag?> TryMergeCoreAsync(TableEntity entity, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _table.UpdateEntityAsync(entity, etag, TableUpdateMode.Merge, cancellationToken);
            return response.Headers.ETag ?? ETag.All;
        }
        catch (RequestFailedException exception) when (exception.Status is 412 or 404)
        {
            return null;
        }
    }

    /// <summary>When the next attempt should be: exponential from <see cref="JournalOptions.RetryBaseSeconds"/>, full jitter, capped; never sooner than Kibana asked.</summary>
    public DateTimeOffset NextAttempt(int attemptsSoFar, TimeSpan? retryAfter)
    {
        var ceiling = Math.Min(_options.RetryMaxSeconds, _options.RetryBaseSeconds * Math.Pow(2, Math.Min(attemptsSoFar, 20)));
        var delay = TimeSpan.FromSeconds((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2));
        if (retryAfter is { } asked && asked > delay)
        {
            delay = asked;
        }

        return _time.GetUtcNow() + delay;
    }

    public int MaxAttempts => _options.MaxAttempts;

    private static string Hash(byte[] json) => Convert.ToHexString(SHA256.HashData(json));

    /// <summary>A string property holds at most 32K characters; a reason is for a person, so a thousand is plenty.</summary>
    private static string Shorten(string text) => text.Length <= 1_000 ? text : text[..1_000] + "…";

    /// <summary>The keys of the Kibana requests applied so far, space-separated; none when they would not fit one property (they are then all sent again: each is idempotent).</summary>
    private static string? DoneText(IReadOnlyCollection<string>? done) =>
        done is { Count: > 0 } && done.Sum(k => k.Length + 1) < 32_000 ? string.Join(' ', done) : null;

    private static string PartitionKey(string source) => RowKeys.Encode(source);

    /// <summary>Whether <paramref name="id"/> can be a key at all (what <see cref="RowKeys.Encode"/> accepts).</summary>
    private static bool IsKey(string id) => id.Length > 0 && RowKeys.EncodedLength(id) <= RowKeys.MaxLength;

    private static void WriteChunks(TableEntity entity, byte[] json)
    {
        var chunks = json.Chunk(ChunkBytes).ToList();
        if (chunks.Count > MaxChunks)
        {
            throw new ArgumentException($"The delivery is too large to journal ({json.Length} bytes recorded, at most {ChunkBytes * MaxChunks}): send fewer alerts or people per request.", nameof(json));
        }

        for (var i = 0; i < chunks.Count; i++)
        {
            entity[$"Intent{i}"] = chunks[i];
        }
    }

    /// <summary>The entry a row holds; null when the row is damaged (no intent, or one that does not parse, or an unknown status).</summary>
    private static JournalEntry? Read(TableEntity entity)
    {
        var json = new List<byte>();
        for (var i = 0; entity.TryGetValue($"Intent{i}", out var chunk) && chunk is byte[] bytes; i++)
        {
            json.AddRange(bytes);
        }

        AssignmentIntent? intent;
        try
        {
            intent = json.Count == 0 ? null : JsonSerializer.Deserialize([.. json], JournalJsonContext.Default.AssignmentIntent);
        }
        catch (JsonException)
        {
            intent = null;
        }

        if (intent is null || !Enum.TryParse<DeliveryStatus>(entity.GetString("Status"), ignoreCase: true, out var status))
        {
            return null;
        }

        IReadOnlyList<AppliedEffect> effects = [];
        if (entity.GetInt32("EffectChunks") is > 0 and var count)
        {
            var bytes = new List<byte>();
            for (var i = 0; i < count && entity.TryGetValue($"Effects{i}", out var chunk) && chunk is byte[] part; i++)
            {
                bytes.AddRange(part);
            }

            try
            {
                effects = JsonSerializer.Deserialize([.. bytes], JournalJsonContext.Default.IReadOnlyListAppliedEffect) ?? [];
            }
            catch (JsonException)
            {
                effects = []; // damaged: the rows are not written, as when the effects were never carried
            }
        }

        return new JournalEntry(
            intent,
            status,
            entity.GetInt32("Attempts") ?? 0,
            entity.GetDateTimeOffset("RecordedAt") ?? DateTimeOffset.MinValue,
            entity.GetDateTimeOffset("NextAttemptAt") ?? DateTimeOffset.MinValue,
            entity.GetDateTimeOffset("ClaimedUntil") ?? DateTimeOffset.MinValue,
            entity.GetString("LastError"),
            entity.GetString("BodyHash") ?? string.Empty,
            entity.ETag)
        {
            Done = entity.GetString("Done") is { Length: > 0 } done ? done.Split(' ', StringSplitOptions.RemoveEmptyEntries) : [],
            Effects = effects,
            Projected = entity.GetBoolean("Projected") ?? true,
            IntentBytes = json.Count,
        };
    }

    public Task EnsureTableAsync(CancellationToken cancellationToken) => _lazy.EnsureAsync(cancellationToken);

    private Task<T> GuardAsync<T>(Func<Task<T>> operation, CancellationToken cancellationToken) =>
        StorageGuard.RunAsync(operation, (reason, inner) => new JournalUnavailableException($"The journal could not be used ({reason}).", inner), _lazy, cancellationToken);
}

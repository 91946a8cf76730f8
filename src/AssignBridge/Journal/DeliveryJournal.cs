using AssignBridge.Hosting;
using System.Security.Cryptography;
using System.Text.Json;
using AssignBridge.Assignments;
using AssignBridge.People;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace AssignBridge.Journal;

/// <summary>The journal could not be read or written. Nothing is promised to the sender until it can.</summary>
internal sealed class JournalUnavailableException(string message, Exception innerException) : Exception(message, innerException);

/// <summary>
/// One row per delivery, keyed by sender (PartitionKey) and delivery id (RowKey), written before any side
/// effect so that a redelivery is recognised and a crash loses nothing. Every change is conditional on the
/// row's ETag, so two instances never both act on one delivery: the one whose write fails backs off.
/// </summary>
internal sealed class DeliveryJournal
{
    private const int ChunkBytes = 60 * 1_024; // a table property holds at most 64 KiB
    private const int MaxChunks = 15;          // and an entity at most 1 MiB

    private readonly TableClient _table;
    private readonly JournalOptions _options;
    private readonly TimeProvider _time;
    private readonly LazyTable _lazy;

    public DeliveryJournal(TableServiceClient tables, IOptions<JournalOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _table = tables.GetTableClient(_options.TableName);
        _lazy = new LazyTable(_table);
        _time = time;
    }

    public TableClient Table => _table;

    /// <summary>
    /// Records a delivery, or finds the one already recorded under the same sender and delivery id
    /// (<c>SameBody</c> false when a different request reused the id). A new delivery is claimed by the caller for
    /// <see cref="JournalOptions.ClaimSeconds"/>.
    /// </summary>
    public async Task<(JournalEntry Entry, bool Created, bool SameBody)> RecordAsync(AssignmentIntent intent, CancellationToken cancellationToken = default)
    {
        using var span = Telemetry.AssignBridgeTelemetry.Step("journal.record");
        var json = JsonSerializer.SerializeToUtf8Bytes(intent, JournalJsonContext.Default.AssignmentIntent);
        var hash = Hash(json);
        var now = _time.GetUtcNow();
        var entity = new TableEntity(PartitionKey(intent.Source), RowKeys.Encode(intent.DeliveryId))
        {
            ["Status"] = JournalEntry.StatusName(DeliveryStatus.Pending),
            ["Attempts"] = 0,
            ["RecordedAt"] = now,
            ["NextAttemptAt"] = now,
            ["ClaimedUntil"] = now.AddSeconds(_options.ClaimSeconds),
            ["BodyHash"] = hash,
            ["Reference"] = intent.Reference,
        };
        WriteChunks(entity, json);

        return await GuardAsync(async () =>
        {
            await EnsureTableAsync(cancellationToken);
            try
            {
                var response = await _table.AddEntityAsync(entity, cancellationToken);
                return (new JournalEntry(intent, DeliveryStatus.Pending, 0, now, now, now.AddSeconds(_options.ClaimSeconds), null, hash, response.Headers.ETag ?? ETag.All), true, true);
            }
            catch (RequestFailedException exception) when (exception.Status == 409)
            {
                var existing = await _table.GetEntityAsync<TableEntity>(entity.PartitionKey, entity.RowKey, cancellationToken: cancellationToken);
                var found = Read(existing.Value);
                return (found, false, found.BodyHash == hash);
            }
        });
    }

    /// <summary>Takes a delivery for one attempt. Null when another instance changed it first.</summary>
    public async Task<JournalEntry?> TryClaimAsync(JournalEntry entry, CancellationToken cancellationToken = default)
    {
        var until = _time.GetUtcNow().AddSeconds(_options.ClaimSeconds);
        var entity = new TableEntity(PartitionKey(entry.Source), RowKeys.Encode(entry.DeliveryId)) { ["ClaimedUntil"] = until };
        return await TryMergeAsync(entity, entry.ETag, cancellationToken) is { } etag ? entry with { ClaimedUntil = until, ETag = etag } : null;
    }

    /// <summary>Writes the result of an attempt. False when another instance changed the row meanwhile.</summary>
    public async Task<bool> CompleteAsync(JournalEntry claimed, DeliveryStatus status, string? error, DateTimeOffset? nextAttemptAt, CancellationToken cancellationToken = default)
    {
        using var span = Telemetry.AssignBridgeTelemetry.Step("journal.complete");
        var now = _time.GetUtcNow();
        var entity = new TableEntity(PartitionKey(claimed.Source), RowKeys.Encode(claimed.DeliveryId))
        {
            ["Status"] = JournalEntry.StatusName(status),
            ["Attempts"] = claimed.Attempts + 1,
            ["NextAttemptAt"] = nextAttemptAt ?? now,
            ["ClaimedUntil"] = now,
            ["LastError"] = error,
            ["CompletedAt"] = status is DeliveryStatus.Applied or DeliveryStatus.Rejected or DeliveryStatus.Dead ? now : null,
        };
        return await TryMergeAsync(entity, claimed.ETag, cancellationToken) is not null;
    }

    public async Task<JournalEntry?> GetAsync(string source, string deliveryId, CancellationToken cancellationToken = default) =>
        await GuardAsync(async () =>
        {
            await EnsureTableAsync(cancellationToken);
            var response = await _table.GetEntityIfExistsAsync<TableEntity>(PartitionKey(source), RowKeys.Encode(deliveryId), cancellationToken: cancellationToken);
            return response.HasValue ? Read(response.Value!) : null;
        });

    /// <summary>Deliveries waiting for an attempt whose time has come and that nobody holds, oldest first within the batch.</summary>
    public async Task<IReadOnlyList<JournalEntry>> DueAsync(int max, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        return await GuardAsync(async () =>
        {
            var filter = TableClient.CreateQueryFilter($"(Status eq {JournalEntry.StatusName(DeliveryStatus.Pending)} or Status eq {JournalEntry.StatusName(DeliveryStatus.Retrying)}) and NextAttemptAt le {now} and ClaimedUntil le {now}");
            var due = await TakeAsync(filter, max, cancellationToken);
            return (IReadOnlyList<JournalEntry>)[.. due.OrderBy(e => e.NextAttemptAt)];
        });
    }

    /// <summary>Journal rows for operators, newest first within the page read, optionally of one status and sender.</summary>
    public async Task<IReadOnlyList<JournalEntry>> ListAsync(DeliveryStatus? status, string? source, int max, CancellationToken cancellationToken = default) =>
        await GuardAsync(async () =>
        {
            var filters = new List<string> { "PartitionKey ne '$lease'" };
            if (status is { } s)
            {
                filters.Add(TableClient.CreateQueryFilter($"Status eq {JournalEntry.StatusName(s)}"));
            }

            if (source is not null)
            {
                filters.Add(TableClient.CreateQueryFilter($"PartitionKey eq {PartitionKey(source)}"));
            }

            var entries = await TakeAsync(string.Join(" and ", filters), max, cancellationToken);
            return (IReadOnlyList<JournalEntry>)[.. entries.OrderByDescending(e => e.RecordedAt)];
        });

    /// <summary>
    /// An operator's replay: the delivery gets a fresh budget of attempts and is claimed by the caller for one now.
    /// Null when another instance changed it first.
    /// </summary>
    public async Task<JournalEntry?> ReplayAsync(JournalEntry entry, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var until = now.AddSeconds(_options.ClaimSeconds);
        var entity = new TableEntity(PartitionKey(entry.Source), RowKeys.Encode(entry.DeliveryId))
        {
            ["Status"] = JournalEntry.StatusName(DeliveryStatus.Retrying),
            ["Attempts"] = 0,
            ["NextAttemptAt"] = now,
            ["ClaimedUntil"] = until,
        };
        return await TryMergeAsync(entity, entry.ETag, cancellationToken) is { } etag
            ? entry with { Status = DeliveryStatus.Retrying, Attempts = 0, NextAttemptAt = now, ClaimedUntil = until, ETag = etag }
            : null;
    }

    /// <summary>Merges <paramref name="entity"/> into the row if it is still at <paramref name="etag"/>: its new ETag, or null when another instance changed or removed it first.</summary>
    private Task<ETag?> TryMergeAsync(TableEntity entity, ETag etag, CancellationToken cancellationToken) =>
        GuardAsync<ETag?>(async () =>
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
        });

    /// <summary>At most <paramref name="max"/> rows matching <paramref name="filter"/>, in the order storage returns them.</summary>
    private async Task<List<JournalEntry>> TakeAsync(string filter, int max, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var entries = new List<JournalEntry>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(max, 1_000), cancellationToken: cancellationToken))
        {
            entries.Add(Read(entity));
            if (entries.Count >= max)
            {
                break;
            }
        }

        return entries;
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

    private static string PartitionKey(string source) => RowKeys.Encode(source);

    private static void WriteChunks(TableEntity entity, byte[] json)
    {
        var chunks = json.Chunk(ChunkBytes).ToList();
        if (chunks.Count > MaxChunks)
        {
            throw new ArgumentException($"The delivery is too large to journal ({json.Length} bytes).", nameof(json));
        }

        for (var i = 0; i < chunks.Count; i++)
        {
            entity[$"Intent{i}"] = chunks[i];
        }
    }

    private static JournalEntry Read(TableEntity entity)
    {
        var json = new List<byte>();
        for (var i = 0; entity.TryGetValue($"Intent{i}", out var chunk) && chunk is byte[] bytes; i++)
        {
            json.AddRange(bytes);
        }

        var intent = JsonSerializer.Deserialize([.. json], JournalJsonContext.Default.AssignmentIntent)
            ?? throw new InvalidDataException($"Journal row {entity.PartitionKey}/{entity.RowKey} holds no intent.");
        return new JournalEntry(
            intent,
            Enum.Parse<DeliveryStatus>(entity.GetString("Status"), ignoreCase: true),
            entity.GetInt32("Attempts") ?? 0,
            entity.GetDateTimeOffset("RecordedAt") ?? DateTimeOffset.MinValue,
            entity.GetDateTimeOffset("NextAttemptAt") ?? DateTimeOffset.MinValue,
            entity.GetDateTimeOffset("ClaimedUntil") ?? DateTimeOffset.MinValue,
            entity.GetString("LastError"),
            entity.GetString("BodyHash") ?? string.Empty,
            entity.ETag);
    }

    public Task EnsureTableAsync(CancellationToken cancellationToken) => _lazy.EnsureAsync(cancellationToken);

    private Task<T> GuardAsync<T>(Func<Task<T>> operation) =>
        StorageGuard.RunAsync(operation, (reason, inner) => new JournalUnavailableException($"The journal could not be used ({reason}).", inner), _lazy);
}

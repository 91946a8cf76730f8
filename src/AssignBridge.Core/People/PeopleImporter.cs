using System.Text.Json.Serialization;
using Azure.Data.Tables;
using Azure;

namespace AssignBridge.People;

/// <summary>One row an import adds or changes.</summary>
internal sealed record PersonChange(
    [property: JsonPropertyName("change")] string Change,
    [property: JsonPropertyName("namespace")] string Namespace,
    [property: JsonPropertyName("externalId")] string ExternalId,
    [property: JsonPropertyName("kibanaUid")] string KibanaUid,
    [property: JsonPropertyName("previousKibanaUid")] string? PreviousKibanaUid,
    [property: JsonPropertyName("displayName")] string? DisplayName,
    [property: JsonPropertyName("previousDisplayName")] string? PreviousDisplayName,
    [property: JsonPropertyName("location")] string Location);

internal sealed record InvalidRowView(
    [property: JsonPropertyName("location")] string Location,
    [property: JsonPropertyName("problem")] string Problem);

/// <summary>What an import did (or, in a dry run, would do).</summary>
internal sealed record ImportSummary(
    [property: JsonPropertyName("dryRun")] bool DryRun,
    [property: JsonPropertyName("rows")] int Rows,
    [property: JsonPropertyName("added")] int Added,
    [property: JsonPropertyName("changed")] int Changed,
    [property: JsonPropertyName("unchanged")] int Unchanged,
    [property: JsonPropertyName("duplicates")] int Duplicates,
    [property: JsonPropertyName("invalid")] IReadOnlyList<InvalidRowView> Invalid,
    [property: JsonPropertyName("changes")] IReadOnlyList<PersonChange> Changes,
    [property: JsonPropertyName("elapsedMs")] long ElapsedMs);

/// <summary>Progress of the write phase: rows written so far out of the rows to write.</summary>
internal readonly record struct ImportProgress(int Written, int ToWrite);

// Imports mappings idempotently: reads what the table holds for the keys in the file, writes only added and changed
// rows (so unchanged rows keep their audit columns), in table transactions of at most 100 rows of one partition,
// a few transactions at a time. A dry run stops after the comparison. The reverse index is kept in step: in each
// namespace the file's last written row for a UID becomes the index's answer for it, in the same transaction as the
// row; then each UID a changed row left, and that the file gave no written row of its own, falls back to another of
// its mappings.
internal sealed class PeopleImporter(PeopleStore store)
{
    /// <summary>A table transaction holds at most 100 entities, all of one partition.</summary>
    public const int BatchSize = 100;

    /// <summary>Below this many keys in a partition, point reads beat reading the whole partition.</summary>
    private const int PointReadLimit = 50;

    private const int ParallelTransactions = 8;

    private static readonly string[] CompareColumns = ["PartitionKey", "RowKey", nameof(PersonEntity.KibanaUid), nameof(PersonEntity.DisplayName)];

    /// <param name="namesForNewRowsOnly">Display names only fill new rows; an existing row keeps its own (discovery: Kibana's names do not overrule an admin's).</param>
    public async Task<ImportSummary> ImportAsync(
        PeopleFileContent file, string updatedBy, bool dryRun, IProgress<ImportProgress>? progress = null, bool namesForNewRowsOnly = false,
        CancellationToken cancellationToken = default)
    {
        var started = store.Time.GetTimestamp();
        var changes = new List<(PersonChange Change, PersonEntity Entity)>();
        var unchanged = 0;
        var now = store.Time.GetUtcNow();
        foreach (var partition in file.Mappings.GroupBy(m => m.Namespace))
        {
            var existing = await ReadExistingAsync(partition.Key, [.. partition], cancellationToken);
            foreach (var mapping in partition)
            {
                existing.TryGetValue(mapping.RowKey, out var current);
                // No name in the file keeps the table's.
                var displayName = current is not null && (namesForNewRowsOnly || mapping.DisplayName is null) ? current.DisplayName : mapping.DisplayName;
                if (current is not null && current.KibanaUid == mapping.KibanaUid && current.DisplayName == displayName)
                {
                    unchanged++;
                    continue;
                }

                var change = new PersonChange(
                    current is null ? "add" : "change", mapping.Namespace, mapping.ExternalId, mapping.KibanaUid, current?.KibanaUid,
                    displayName, current?.DisplayName, mapping.Location);
                changes.Add((change, PeopleStore.ToEntity(mapping, displayName, updatedBy, now)));
            }
        }

        if (!dryRun && changes.Count > 0)
        {
            await WriteAsync([.. changes.Select(c => (c.Entity, c.Change.PreviousKibanaUid))], progress, cancellationToken);
        }

        return new ImportSummary(
            dryRun,
            file.Rows,
            changes.Count(c => c.Change.Change == "add"),
            changes.Count(c => c.Change.Change == "change"),
            unchanged,
            file.Duplicates,
            [.. file.Invalid.Select(i => new InvalidRowView(i.Location, i.Problem))],
            [.. changes.Select(c => c.Change)],
            (long)store.Time.GetElapsedTime(started).TotalMilliseconds);
    }

    private async Task WriteAsync(IReadOnlyList<(PersonEntity Entity, string? PreviousUid)> rows, IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        await store.EnsureTableAsync(cancellationToken);
        var now = store.Time.GetUtcNow();
        var batches = new List<Batch>();
        var claimed = new HashSet<(string Namespace, string Uid)>();
        foreach (var partition in rows.Select(r => r.Entity).GroupBy(e => e.PartitionKey))
        {
            var claimers = partition.GroupBy(e => e.KibanaUid).Select(g => g.Last()).ToHashSet();
            var batch = new Batch();
            foreach (var entity in partition)
            {
                var claims = claimers.Contains(entity);
                if (batch.Actions.Count + (claims ? 2 : 1) > BatchSize)
                {
                    batches.Add(batch);
                    batch = new Batch();
                }

                batch.Actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity));
                batch.Mappings.Add(entity);
                if (claims)
                {
                    batch.Actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, UidIndex.For(entity, now)));
                    claimed.Add((entity.PartitionKey, entity.KibanaUid));
                }
            }

            batches.Add(batch);
        }

        var written = 0;
        progress?.Report(new ImportProgress(0, rows.Count));
        await Parallel.ForEachAsync(
            batches,
            new ParallelOptions { MaxDegreeOfParallelism = ParallelTransactions, CancellationToken = cancellationToken },
            async (batch, token) =>
            {
                await store.Table.SubmitTransactionAsync(batch.Actions, token);
                foreach (var entity in batch.Mappings)
                {
                    store.Written(entity.PartitionKey, entity.ExternalId!);
                    store.IndexWritten(entity.PartitionKey, entity.KibanaUid);
                }

                progress?.Report(new ImportProgress(Interlocked.Add(ref written, batch.Mappings.Count), rows.Count));
            });

        // After the rows are written, so the fallback sees the table as the import left it. Many UIDs of one namespace
        // choose their fallback from one read of the partition rather than one query each.
        var left = rows
            .Where(r => r.PreviousUid is not null && r.PreviousUid != r.Entity.KibanaUid && !claimed.Contains((r.Entity.PartitionKey, r.PreviousUid)))
            .GroupBy(r => r.Entity.PartitionKey);
        foreach (var partition in left)
        {
            var uids = partition.GroupBy(r => r.PreviousUid!).ToList();
            var snapshot = uids.Count > PointReadLimit ? await UidIndex.MostRecentByUidAsync(store.Table, partition.Key, cancellationToken) : null;
            await Parallel.ForEachAsync(
                uids,
                new ParallelOptions { MaxDegreeOfParallelism = ParallelTransactions, CancellationToken = cancellationToken },
                async (uid, token) => await store.ReleaseAsync(partition.Key, uid.Key, uid.Select(r => r.Entity.RowKey).ToHashSet(StringComparer.Ordinal), snapshot, token));
        }
    }

    /// <summary>One transaction: mapping rows of one partition and the index entries they claim.</summary>
    private sealed class Batch
    {
        public List<TableTransactionAction> Actions { get; } = [];

        public List<PersonEntity> Mappings { get; } = [];
    }

    private async Task<Dictionary<string, PersonEntity>> ReadExistingAsync(string ns, IReadOnlyList<PersonMapping> mappings, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, PersonEntity>(StringComparer.Ordinal);
        try
        {
            if (mappings.Count <= PointReadLimit)
            {
                foreach (var mapping in mappings)
                {
                    var response = await store.Table.GetEntityIfExistsAsync<PersonEntity>(ns, mapping.RowKey, CompareColumns, cancellationToken);
                    if (response.HasValue)
                    {
                        found[mapping.RowKey] = response.Value!;
                    }
                }

                return found;
            }

            var wanted = mappings.Select(m => m.RowKey).ToHashSet(StringComparer.Ordinal);
            await foreach (var entity in store.Table.QueryAsync<PersonEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {ns}") + " and " + UidIndex.MappingsOnly, maxPerPage: 1_000, select: CompareColumns, cancellationToken: cancellationToken))
            {
                if (wanted.Contains(entity.RowKey))
                {
                    found[entity.RowKey] = entity;
                }
            }
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            // No table yet: nothing exists.
        }

        return found;
    }
}

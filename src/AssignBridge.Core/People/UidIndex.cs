using AssignBridge.Platform.Storage;
using Azure.Data.Tables;
using Azure;

namespace AssignBridge.People;

// Index rows live in the namespace's own partition, beside the mappings they point at, so that a mapping and the
// index rows it moves change in one entity-group transaction (separate partitions or a separate table could not).
// RowKeys.Encode writes '%' only before two hex digits, so no mapping's key falls in "%uid|"…"%uid}"; the UID is
// hashed into the key (as RowKeys.UidKey does elsewhere) so that any UID fits, and kept whole in a column.
/// <summary>A row of the reverse index: in namespace PartitionKey, the mapping most recently set for <see cref="KibanaUid"/>.</summary>
internal sealed class UidIndexEntity : ITableEntity
{
    public string PartitionKey { get; set; } = string.Empty;

    public string RowKey { get; set; } = string.Empty;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string KibanaUid { get; set; } = string.Empty;

    /// <summary>The RowKey of the mapping this entry names.</summary>
    public string MappingRowKey { get; set; } = string.Empty;

    /// <summary>The mapping's id as the sender spells it.</summary>
    public string? ExternalId { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }
}

internal static class UidIndex
{
    /// <summary>The row keys of index rows lie between these two.</summary>
    public const string RowsFrom = "%uid|", RowsTo = "%uid}";

    /// <summary>A filter clause that leaves the index rows out of a query of the table (the cost of the query is the same).</summary>
    public const string MappingsOnly = $"(RowKey lt '{RowsFrom}' or RowKey ge '{RowsTo}')";

    private static readonly string[] FindColumns = ["PartitionKey", "RowKey", nameof(PersonEntity.KibanaUid), nameof(PersonEntity.ExternalId), nameof(PersonEntity.UpdatedAt)];

    public static string RowKey(string uid) => RowsFrom + RowKeys.UidKey(uid);

    public static bool IsIndexRow(string rowKey) => rowKey.StartsWith(RowsFrom, StringComparison.Ordinal);

    /// <summary>The entry naming <paramref name="mapping"/> for its UID.</summary>
    public static UidIndexEntity For(PersonEntity mapping, DateTimeOffset now) => new()
    {
        PartitionKey = mapping.PartitionKey,
        RowKey = RowKey(mapping.KibanaUid),
        KibanaUid = mapping.KibanaUid,
        MappingRowKey = mapping.RowKey,
        ExternalId = mapping.ExternalId ?? RowKeys.Decode(mapping.RowKey),
        UpdatedAt = now,
    };

    /// <summary>The mappings of namespace <paramref name="ns"/> naming <paramref name="uid"/>, without the index rows.</summary>
    public static string RowsNaming(string ns, string uid) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {ns} and KibanaUid eq {uid}") + " and " + MappingsOnly;

    /// <summary>
    /// Of the mappings of namespace <paramref name="ns"/> naming <paramref name="uid"/> (but those keyed
    /// <paramref name="except"/>), the one set most recently; null when there is none. Reads the whole partition: for
    /// the moments the index has to choose again or was never written, not for every look-up.
    /// </summary>
    public static async Task<PersonEntity?> FindMostRecentAsync(TableClient table, string ns, string uid, IReadOnlySet<string>? except, CancellationToken cancellationToken)
    {
        PersonEntity? best = null;
        await foreach (var row in table.QueryAsync<PersonEntity>(RowsNaming(ns, uid), maxPerPage: 1_000, select: FindColumns, cancellationToken: cancellationToken))
        {
            if (except?.Contains(row.RowKey) != true && (best is null || (row.UpdatedAt ?? DateTimeOffset.MinValue) > (best.UpdatedAt ?? DateTimeOffset.MinValue)))
            {
                best = row;
            }
        }

        return best;
    }

    /// <summary>For every UID the mappings of namespace <paramref name="ns"/> name, the mapping set most recently: one read of the partition for many UIDs.</summary>
    public static async Task<Dictionary<string, PersonEntity>> MostRecentByUidAsync(TableClient table, string ns, CancellationToken cancellationToken)
    {
        var best = new Dictionary<string, PersonEntity>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {ns}") + " and " + MappingsOnly;
        await foreach (var row in table.QueryAsync<PersonEntity>(filter, maxPerPage: 1_000, select: FindColumns, cancellationToken: cancellationToken))
        {
            if (!best.TryGetValue(row.KibanaUid, out var known) || (row.UpdatedAt ?? DateTimeOffset.MinValue) > (known.UpdatedAt ?? DateTimeOffset.MinValue))
            {
                best[row.KibanaUid] = row;
            }
        }

        return best;
    }
}

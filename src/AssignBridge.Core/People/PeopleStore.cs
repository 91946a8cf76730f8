using AssignBridge.Platform.Storage;
using AssignBridge.Platform.Validation;
using Azure.Data.Tables;
using Azure;

namespace AssignBridge.People;

/// <summary>A row of the mapping table as administrators see it.</summary>
internal sealed record PersonView(
    [property: System.Text.Json.Serialization.JsonPropertyName("namespace")] string Namespace,
    [property: System.Text.Json.Serialization.JsonPropertyName("externalId")] string ExternalId,
    [property: System.Text.Json.Serialization.JsonPropertyName("kibanaUid")] string KibanaUid,
    [property: System.Text.Json.Serialization.JsonPropertyName("displayName")] string? DisplayName,
    [property: System.Text.Json.Serialization.JsonPropertyName("updatedBy")] string? UpdatedBy,
    [property: System.Text.Json.Serialization.JsonPropertyName("updatedAt")] DateTimeOffset? UpdatedAt)
{
    public static PersonView From(PersonEntity entity) => new(
        entity.PartitionKey, entity.ExternalId ?? RowKeys.Decode(entity.RowKey), entity.KibanaUid, entity.DisplayName, entity.UpdatedBy, entity.UpdatedAt);
}

/// <summary>
/// Reads and writes single rows of the mapping table for the CLI and the admin routes. Every write stamps the audit
/// columns with <c>updatedBy</c> and the time, keeps the reverse index (<see cref="UidIndex"/>) in step in the same
/// transaction, and tells <paramref name="onWritten"/> (namespace, external id) and <paramref name="onIndexWritten"/>
/// (namespace, UID) so the lookup caches forget the keys.
/// </summary>
internal sealed class PeopleStore(TableClient table, TimeProvider time, Action<string, string>? onWritten = null, Action<string, string>? onIndexWritten = null)
{
    // A write reads the rows it changes and then changes them only if nobody else did in between (ETags); when someone
    // did, it reads again. A few attempts are plenty for admin writes.
    private const int MaxAttempts = 5;

    private readonly LazyTable _lazy = new(table);

    public TableClient Table => table;

    public TimeProvider Time => time;

    /// <summary>Every row, or those of one namespace, ordered by namespace then key; never the index rows. A table not created yet has no rows.</summary>
    public async IAsyncEnumerable<PersonView> ListAsync(string? ns, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var filter = ns is null ? UidIndex.MappingsOnly : TableClient.CreateQueryFilter($"PartitionKey eq {ns}") + " and " + UidIndex.MappingsOnly;
        var rows = table.QueryAsync<PersonEntity>(filter, maxPerPage: 1_000, cancellationToken: cancellationToken);
        await using var enumerator = rows.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await enumerator.MoveNextAsync())
                {
                    yield break;
                }
            }
            catch (RequestFailedException exception) when (exception.Status == 404)
            {
                yield break;
            }

            yield return PersonView.From(enumerator.Current);
        }
    }

    public async Task<PersonEntity?> GetAsync(string ns, string externalId, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await table.GetEntityIfExistsAsync<PersonEntity>(ns, RowKeys.Encode(externalId), cancellationToken: cancellationToken);
            return response.HasValue ? response.Value : null;
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return null; // the table itself does not exist yet
        }
    }

    /// <summary>
    /// Creates or replaces one mapping, which becomes the one the reverse index answers for its UID (a UID it no longer
    /// names falls back to another of its mappings). Returns whether the row is new; an unchanged row is not rewritten,
    /// so its audit columns stay, though it still becomes the index's answer.
    /// </summary>
    public async Task<(PersonView Row, bool Created, bool Changed)> SetAsync(PersonMapping mapping, string updatedBy, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var existing = await GetAsync(mapping.Namespace, mapping.ExternalId, cancellationToken);
            if (existing is not null && existing.KibanaUid == mapping.KibanaUid && existing.DisplayName == (mapping.DisplayName ?? existing.DisplayName))
            {
                await ClaimAsync(existing, cancellationToken);
                return (PersonView.From(existing), false, false);
            }

            var now = time.GetUtcNow();
            var entity = ToEntity(mapping, mapping.DisplayName ?? existing?.DisplayName, updatedBy, now);
            await EnsureTableAsync(cancellationToken);
            var actions = new List<TableTransactionAction>
            {
                existing is null ? new(TableTransactionActionType.Add, entity) : new(TableTransactionActionType.UpdateReplace, entity, existing.ETag),
                new(TableTransactionActionType.UpsertReplace, UidIndex.For(entity, now)),
            };
            var moved = existing is not null && existing.KibanaUid != entity.KibanaUid;
            if (moved && await ReleaseActionAsync(existing!.PartitionKey, existing.KibanaUid, new HashSet<string>(StringComparer.Ordinal) { existing.RowKey }, null, cancellationToken) is { } release)
            {
                actions.Add(release);
            }

            if (await TrySubmitAsync(actions, attempt, cancellationToken))
            {
                onWritten?.Invoke(mapping.Namespace, mapping.ExternalId);
                IndexWritten(mapping.Namespace, entity.KibanaUid);
                if (moved)
                {
                    IndexWritten(mapping.Namespace, existing!.KibanaUid);
                }

                return (PersonView.From(entity), existing is null, true);
            }
        }
    }

    /// <summary>Deletes one mapping; false when there was none. The reverse index falls back to another mapping of its UID, or forgets the UID.</summary>
    public async Task<bool> RemoveAsync(string ns, string externalId, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var existing = await GetAsync(ns, externalId, cancellationToken);
            if (existing is null)
            {
                return false;
            }

            var actions = new List<TableTransactionAction> { new(TableTransactionActionType.Delete, existing, existing.ETag) };
            if (await ReleaseActionAsync(ns, existing.KibanaUid, new HashSet<string>(StringComparer.Ordinal) { existing.RowKey }, null, cancellationToken) is { } release)
            {
                actions.Add(release);
            }

            if (await TrySubmitAsync(actions, attempt, cancellationToken))
            {
                onWritten?.Invoke(ns, externalId);
                IndexWritten(ns, existing.KibanaUid);
                return true;
            }
        }
    }

    /// <summary>
    /// After rows keyed <paramref name="leftRowKeys"/> stopped naming <paramref name="uid"/> (an import changed them):
    /// if the index entry of the UID names one of them, points it at another mapping of the UID, or removes it. A
    /// concurrent writer who moved the entry first wins; look-ups check what an entry names, so nothing wrong is answered.
    /// </summary>
    /// <param name="mostRecentByUid">
    /// A snapshot of the namespace's mappings (<see cref="UidIndex.MostRecentByUidAsync"/>) taken after the rows left,
    /// to choose the fallback from instead of querying the partition for each UID; null to query.
    /// </param>
    public async Task ReleaseAsync(
        string ns, string uid, IReadOnlySet<string> leftRowKeys, IReadOnlyDictionary<string, PersonEntity>? mostRecentByUid = null, CancellationToken cancellationToken = default)
    {
        if (await ReleaseActionAsync(ns, uid, leftRowKeys, mostRecentByUid, cancellationToken) is not { } release)
        {
            return;
        }

        try
        {
            await table.SubmitTransactionAsync([release], cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.Status is 404 or 412)
        {
            // Another writer changed the entry after it was read: its write stands.
        }

        IndexWritten(ns, uid);
    }

    /// <summary>The index entry of <paramref name="uid"/> in namespace <paramref name="ns"/>, or null.</summary>
    public async Task<UidIndexEntity?> GetIndexAsync(string ns, string uid, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await table.GetEntityIfExistsAsync<UidIndexEntity>(ns, UidIndex.RowKey(uid), cancellationToken: cancellationToken);
            return response.HasValue && response.Value!.KibanaUid == uid ? response.Value : null;
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return null; // the table itself does not exist yet
        }
    }

    public Task EnsureTableAsync(CancellationToken cancellationToken) => _lazy.EnsureAsync(cancellationToken);

    public void Written(string ns, string externalId) => onWritten?.Invoke(ns, externalId);

    public void IndexWritten(string ns, string uid) => onIndexWritten?.Invoke(ns, uid);

    public static PersonEntity ToEntity(PersonMapping mapping, string? displayName, string updatedBy, DateTimeOffset now) => new()
    {
        PartitionKey = mapping.Namespace,
        RowKey = mapping.RowKey,
        ExternalId = mapping.ExternalId,
        KibanaUid = mapping.KibanaUid,
        DisplayName = displayName,
        UpdatedBy = updatedBy,
        UpdatedAt = now,
    };

    // Makes an unchanged row the index's answer for its UID, if it is not already.
    private async Task ClaimAsync(PersonEntity row, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(row.KibanaUid) || (await GetIndexAsync(row.PartitionKey, row.KibanaUid, cancellationToken))?.MappingRowKey == row.RowKey)
        {
            return;
        }

        await table.UpsertEntityAsync(UidIndex.For(row, time.GetUtcNow()), TableUpdateMode.Replace, cancellationToken);
        IndexWritten(row.PartitionKey, row.KibanaUid);
    }

    // What the index entry of uid needs once the rows leftRowKeys no longer name it: nothing when it names another row
    // (or the table predates the index: look-ups write the entry when asked), else to name the most recent other
    // mapping of the UID, or to go. Conditional on the entry's ETag, so a concurrent change makes the write try again.
    private async Task<TableTransactionAction?> ReleaseActionAsync(
        string ns, string uid, IReadOnlySet<string> leftRowKeys, IReadOnlyDictionary<string, PersonEntity>? mostRecentByUid, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(uid) || await GetIndexAsync(ns, uid, cancellationToken) is not { } entry || !leftRowKeys.Contains(entry.MappingRowKey))
        {
            return null;
        }

        var next = mostRecentByUid is null
            ? await UidIndex.FindMostRecentAsync(table, ns, uid, leftRowKeys, cancellationToken)
            : mostRecentByUid.TryGetValue(uid, out var known) && !leftRowKeys.Contains(known.RowKey) ? known : null;
        return next is not null
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, UidIndex.For(next, time.GetUtcNow()), entry.ETag)
            : new TableTransactionAction(TableTransactionActionType.Delete, entry, entry.ETag);
    }

    // False when a row changed (or appeared, or went) since it was read, so the caller reads again; after the last attempt the conflict is thrown.
    private async Task<bool> TrySubmitAsync(IReadOnlyList<TableTransactionAction> actions, int attempt, CancellationToken cancellationToken)
    {
        try
        {
            await table.SubmitTransactionAsync(actions, cancellationToken);
            return true;
        }
        catch (RequestFailedException exception) when (exception.Status is 404 or 409 or 412 && exception.ErrorCode != "TableNotFound" && attempt < MaxAttempts)
        {
            return false;
        }
    }

    /// <summary>Parses <c>namespace:id</c> (an email without a namespace means <c>email:…</c>).</summary>
    public static (string? Namespace, string? Id, string? Problem) ParseKey(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && PersonRef.TableNamespaces.Contains(text[..colon].ToLowerInvariant()))
        {
            var ns = text[..colon].ToLowerInvariant();
            var id = text[(colon + 1)..];
            return string.IsNullOrEmpty(id) ? (null, null, "the id after the namespace is missing")
                : (ns, ns == PersonRef.EmailNamespace ? PersonRef.NormalizeEmail(id) : id, null);
        }

        if (InputRules.IsEmail(text.Trim()))
        {
            return (PersonRef.EmailNamespace, PersonRef.NormalizeEmail(text), null);
        }

        return (null, null, $"'{text}' is not namespace:id with a namespace of {string.Join(", ", PersonRef.TableNamespaces)}, nor an email");
    }
}

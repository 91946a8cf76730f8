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
/// columns with <c>updatedBy</c> and the time, and tells <paramref name="onWritten"/> so the lookup cache forgets the key.
/// </summary>
internal sealed class PeopleStore(TableClient table, TimeProvider time, Action<string, string>? onWritten = null)
{
    private readonly LazyTable _lazy = new(table);

    public TableClient Table => table;

    public TimeProvider Time => time;

    /// <summary>Every row, or those of one namespace, ordered by namespace then key. A table not created yet has no rows.</summary>
    public async IAsyncEnumerable<PersonView> ListAsync(string? ns, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var filter = ns is null ? null : TableClient.CreateQueryFilter($"PartitionKey eq {ns}");
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

    /// <summary>Creates or replaces one mapping. Returns whether the row is new; an unchanged row is not rewritten, so its audit columns stay.</summary>
    public async Task<(PersonView Row, bool Created, bool Changed)> SetAsync(PersonMapping mapping, string updatedBy, CancellationToken cancellationToken = default)
    {
        var existing = await GetAsync(mapping.Namespace, mapping.ExternalId, cancellationToken);
        if (existing is not null && existing.KibanaUid == mapping.KibanaUid && existing.DisplayName == (mapping.DisplayName ?? existing.DisplayName))
        {
            return (PersonView.From(existing), false, false);
        }

        var entity = ToEntity(mapping, mapping.DisplayName ?? existing?.DisplayName, updatedBy, time.GetUtcNow());
        await EnsureTableAsync(cancellationToken);
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        onWritten?.Invoke(mapping.Namespace, mapping.ExternalId);
        return (PersonView.From(entity), existing is null, true);
    }

    /// <summary>Deletes one mapping; false when there was none.</summary>
    public async Task<bool> RemoveAsync(string ns, string externalId, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await table.DeleteEntityAsync(ns, RowKeys.Encode(externalId), ETag.All, cancellationToken);
            onWritten?.Invoke(ns, externalId);
            return response.Status != 404;
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return false;
        }
    }

    public Task EnsureTableAsync(CancellationToken cancellationToken) => _lazy.EnsureAsync(cancellationToken);

    public void Written(string ns, string externalId) => onWritten?.Invoke(ns, externalId);

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

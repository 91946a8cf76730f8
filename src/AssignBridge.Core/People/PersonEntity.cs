using Azure.Data.Tables;
using Azure;

namespace AssignBridge.People;

/// <summary>A row of the mapping table: PartitionKey = identity namespace, RowKey = the encoded external id.</summary>
internal sealed class PersonEntity : ITableEntity
{
    public string PartitionKey { get; set; } = string.Empty;

    public string RowKey { get; set; } = string.Empty;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string KibanaUid { get; set; } = string.Empty;

    public string? DisplayName { get; set; }

    /// <summary>The id as the sender spells it (RowKey holds it encoded).</summary>
    public string? ExternalId { get; set; }

    public string? UpdatedBy { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }
}

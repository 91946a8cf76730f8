using System.ComponentModel.DataAnnotations;
using Azure.Core;
using Azure.Data.Tables;

namespace AssignBridge.Hosting;

/// <summary>Where the mapping (and later journal) tables live: a connection string (Azurite, local runs) or an endpoint reached with the app's Azure identity.</summary>
internal sealed class StorageOptions : IValidatableObject
{
    public const string SectionName = "Storage";

    /// <summary>A storage connection string, for example <c>UseDevelopmentStorage=true</c> for Azurite. Unset on Azure.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The table endpoint, for example https://account.table.core.windows.net/, used with the app's managed identity.</summary>
    public Uri? TableServiceUri { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(ConnectionString) == (TableServiceUri is null))
        {
            yield return new ValidationResult("Set exactly one of Storage:ConnectionString (Azurite or a key-based account) and Storage:TableServiceUri (managed identity).");
        }
    }

    public TableServiceClient CreateTableServiceClient(TokenCredential credential)
    {
        // A request waits on storage for seconds at most: a sender is on the line.
        var options = new TableClientOptions();
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        return TableServiceUri is { } uri ? new TableServiceClient(uri, credential, options) : new TableServiceClient(ConnectionString, options);
    }
}

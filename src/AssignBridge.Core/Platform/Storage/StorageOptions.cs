using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AssignBridge.Platform.Storage;

/// <summary>
/// Where the tables and the delivery queue live: a connection string (Azurite, local runs) or endpoints reached with
/// the app's Azure identity. On Azure it is the account of <c>AzureWebJobsStorage</c>, whose queues the host listens to.
/// </summary>
internal sealed class StorageOptions : IValidatableObject
{
    public const string SectionName = "Storage";

    /// <summary>A storage connection string, for example <c>UseDevelopmentStorage=true</c> for Azurite. Unset on Azure.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The table endpoint, for example https://account.table.core.windows.net/, used with the app's managed identity.</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>The queue endpoint of the same account, for example https://account.queue.core.windows.net/; required with <see cref="TableServiceUri"/>.</summary>
    public Uri? QueueServiceUri { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(ConnectionString) == (TableServiceUri is null))
        {
            yield return new ValidationResult("Set exactly one of Storage:ConnectionString (Azurite or a key-based account) and Storage:TableServiceUri (managed identity).");
        }
        else if (TableServiceUri is not null && QueueServiceUri is null)
        {
            yield return new ValidationResult("Storage:QueueServiceUri must be set with Storage:TableServiceUri (the same account's queue endpoint, for example https://account.queue.core.windows.net/).");
        }
    }
}

/// <summary>Checks the data annotations of <see cref="StorageOptions"/> with generated code.</summary>
[OptionsValidator] internal sealed partial class StorageOptionsValidator : IValidateOptions<StorageOptions>;

using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AssignBridge.Secrets;

/// <summary>
/// Where the Kibana API key is kept: a Key Vault secret, read with <c>DefaultAzureCredential</c> (the managed identity
/// on Azure; <c>AZURE_CLIENT_ID</c> picks a user-assigned one).
/// </summary>
internal sealed class KeyVaultOptions
{
    public const string SectionName = "KeyVault";

    /// <summary>The vault holding the Kibana API key, for example https://my-vault.vault.azure.net/. Unset only for local runs.</summary>
    public Uri? Uri { get; set; }

    /// <summary>The secret holding the Kibana API key (the <c>encoded</c> value of Elasticsearch's create-API-key response).</summary>
    [Required]
    [RegularExpression("^[0-9a-zA-Z-]{1,127}$", ErrorMessage = "KeyVault:KibanaApiKeySecretName must be a Key Vault secret name: letters, digits and '-'.")]
    public string KibanaApiKeySecretName { get; set; } = "kibana-api-key";

    /// <summary>How long a key read from Key Vault is used before it is read again (a 401 from Kibana re-reads it at once).</summary>
    [Range(1, 1440)]
    public int CacheMinutes { get; set; } = 60;
}

/// <summary>Checks the data annotations of <see cref="KeyVaultOptions"/> with generated code.</summary>
[OptionsValidator] internal sealed partial class KeyVaultOptionsValidator : IValidateOptions<KeyVaultOptions>;

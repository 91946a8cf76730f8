using System.ComponentModel.DataAnnotations;
using AssignBridge.Platform.Configuration;
using AssignBridge.Platform.Validation;
using Microsoft.Extensions.Options;

namespace AssignBridge.Kibana;

/// <summary>Where Kibana is and how the bridge calls its alert-assignees API.</summary>
internal sealed class KibanaOptions
{
    public const string SectionName = "Kibana";

    /// <summary>
    /// The Kibana API key itself, for local runs only: used when <c>KeyVault:Uri</c> is unset, logged as such, and
    /// refused on Azure, where the key is read from Key Vault.
    /// </summary>
    [SecretSetting]
    public const string ApiKeyKey = "ApiKey";

    /// <summary>Kibana's base URL, including any base path (for example https://kibana.example.com/kibana/).</summary>
    [Required(ErrorMessage = "Kibana:Url is required: the base URL of Kibana, for example https://kibana.example.com/.")]
    public Uri? Url { get; set; }

    /// <summary>The space used when a request names none.</summary>
    [RegularExpression(InputRules.SpaceIdPattern, ErrorMessage = "Kibana:DefaultSpace must be a Kibana space id: lower-case letters, digits, '_' and '-'.")]
    public string DefaultSpace { get; set; } = KibanaSpaces.Default;

    /// <summary>Alert ids per assignees request. Kibana sets no limit; this keeps each update-by-query small.</summary>
    [Range(1, 10_000)]
    public int MaxIdsPerRequest { get; set; } = 500;

    /// <summary>Time allowed for one attempt.</summary>
    [Range(1, 300)]
    public int AttemptTimeoutSeconds { get; set; } = 10;

    /// <summary>Time allowed for one call, retries included.</summary>
    [Range(1, 600)]
    public int TotalTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// Retries of a retryable failure (408, 429, 5xx, connection errors) within one call, with jittered exponential
    /// back-off that honours <c>Retry-After</c>; 400, 401 and 403 are never retried.
    /// </summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 2;

    /// <summary>
    /// The longest an assignees request waits for concurrent deliveries still on their way, to share it when they
    /// carry the same space and assignees (<see cref="KibanaBatcher"/>); 0 waits not at all (changes still share a
    /// request while the previous one is in flight). A lone delivery never waits.
    /// </summary>
    [Range(0, 1_000)]
    public int CoalesceMilliseconds { get; set; } = 50;

    /// <summary>The first back-off of a retry within one call.</summary>
    [Range(1, 60_000)]
    public int RetryBaseDelayMilliseconds { get; set; } = 250;
}

/// <summary>Checks the data annotations of <see cref="KibanaOptions"/> with generated code.</summary>
[OptionsValidator] internal sealed partial class KibanaOptionsValidator : IValidateOptions<KibanaOptions>;

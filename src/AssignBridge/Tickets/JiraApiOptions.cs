using System.ComponentModel.DataAnnotations;
using AssignBridge.Platform.Configuration;
using Microsoft.Extensions.Options;

namespace AssignBridge.Tickets;

/// <summary>Which Jira the bridge writes assignees to: Cloud (account ids, e-mail and API token) or Data Center (user names, personal access token).</summary>
internal enum JiraFlavor
{
    /// <summary>Jira Cloud: <c>/rest/api/3</c>, basic auth with e-mail and API token, people by account id (namespace <c>jira</c>).</summary>
    Cloud,

    /// <summary>Jira Data Center: <c>/rest/api/2</c>, bearer personal access token, people by user name (namespace <c>jira-dc</c>).</summary>
    DataCenter,
}

/// <summary>How the bridge calls Jira's REST API to read and set issue assignees (two-way sync). Unset <c>BaseUrl</c>: no Jira sync.</summary>
internal sealed class JiraApiOptions : IValidatableObject
{
    public const string SectionName = "Jira:Api";

    /// <summary>
    /// The API token (Cloud) or personal access token (Data Center) itself, for local runs only: used when
    /// <c>KeyVault:Uri</c> is unset, logged as such; elsewhere it is read from the secret <c>TokenSecretName</c>.
    /// </summary>
    [SecretSetting]
    public const string TokenKey = "Token";

    /// <summary>The setting <see cref="TokenKey"/> as read from configuration.</summary>
    public const string LocalTokenSetting = SectionName + ":" + TokenKey;

    /// <summary>Jira's base URL, for example https://yoursite.atlassian.net/ or a Data Center base (with any context path).</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>Which Jira the base URL is.</summary>
    public JiraFlavor Flavor { get; set; } = JiraFlavor.Cloud;

    /// <summary>Cloud: the e-mail address of the account whose API token the bridge uses (basic auth).</summary>
    public string? Email { get; set; }

    /// <summary>The Key Vault secret holding the API token (Cloud) or personal access token (Data Center).</summary>
    [Required]
    [RegularExpression("^[0-9a-zA-Z-]{1,127}$", ErrorMessage = "Jira:Api:TokenSecretName must be a Key Vault secret name: letters, digits and '-'.")]
    public string TokenSecretName { get; set; } = "jira-api-token";

    /// <summary>Time allowed for one request to Jira.</summary>
    [Range(1, 120)]
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>True when the base URL and the credentials (Cloud: the e-mail too) are named.</summary>
    internal bool Configured => BaseUrl is not null && (Flavor == JiraFlavor.DataCenter || !string.IsNullOrWhiteSpace(Email));

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (BaseUrl is not null && !TicketUrls.IsHttp(BaseUrl))
        {
            yield return new ValidationResult("Jira:Api:BaseUrl must be an absolute http or https URL, for example https://yoursite.atlassian.net/.");
        }
    }
}

/// <summary>Checks the data annotations of <see cref="JiraApiOptions"/> with generated code.</summary>
[OptionsValidator] internal sealed partial class JiraApiOptionsValidator : IValidateOptions<JiraApiOptions>;

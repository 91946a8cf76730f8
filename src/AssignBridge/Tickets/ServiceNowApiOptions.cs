using System.ComponentModel.DataAnnotations;
using AssignBridge.Platform.Configuration;
using Microsoft.Extensions.Options;

namespace AssignBridge.Tickets;

/// <summary>How the bridge signs in to ServiceNow's Table API: basic auth with a user's password, or OAuth client credentials.</summary>
internal enum ServiceNowAuth
{
    /// <summary>Basic auth with <c>User</c> and the password from <c>PasswordSecretName</c>.</summary>
    Basic,

    /// <summary>A bearer access token from <c>/oauth_token.do</c> (client credentials: <c>ClientId</c> and the secret from <c>ClientSecretName</c>).</summary>
    OAuth,
}

/// <summary>How the bridge calls ServiceNow's Table API to read and set <c>assigned_to</c> (two-way sync). Unset <c>InstanceUrl</c>: no ServiceNow sync.</summary>
internal sealed class ServiceNowApiOptions : IValidatableObject
{
    public const string SectionName = "ServiceNow:Api";

    /// <summary>
    /// Basic: the user's password itself, for local runs only: used when <c>KeyVault:Uri</c> is unset, logged as such;
    /// elsewhere it is read from the secret <c>PasswordSecretName</c>.
    /// </summary>
    [SecretSetting]
    public const string PasswordKey = "Password";

    /// <summary>
    /// OAuth: the client secret itself, for local runs only: used when <c>KeyVault:Uri</c> is unset, logged as such;
    /// elsewhere it is read from the secret <c>ClientSecretName</c>.
    /// </summary>
    [SecretSetting]
    public const string ClientSecretKey = "ClientSecret";

    /// <summary>The setting <see cref="PasswordKey"/> as read from configuration.</summary>
    public const string LocalPasswordSetting = SectionName + ":" + PasswordKey;

    /// <summary>The setting <see cref="ClientSecretKey"/> as read from configuration.</summary>
    public const string LocalClientSecretSetting = SectionName + ":" + ClientSecretKey;

    /// <summary>The instance's URL, for example https://yourinstance.service-now.com/.</summary>
    public Uri? InstanceUrl { get; set; }

    /// <summary>How the bridge signs in.</summary>
    public ServiceNowAuth Auth { get; set; } = ServiceNowAuth.Basic;

    /// <summary>Basic: the user name the bridge signs in as (it needs write access to <c>assigned_to</c> and read access to <c>sys_user</c>).</summary>
    public string? User { get; set; }

    /// <summary>Basic: the Key Vault secret holding that user's password.</summary>
    [Required]
    [RegularExpression("^[0-9a-zA-Z-]{1,127}$", ErrorMessage = "ServiceNow:Api:PasswordSecretName must be a Key Vault secret name: letters, digits and '-'.")]
    public string PasswordSecretName { get; set; } = "servicenow-password";

    /// <summary>OAuth: the client id of the application registry entry.</summary>
    public string? ClientId { get; set; }

    /// <summary>OAuth: the Key Vault secret holding the client secret.</summary>
    [Required]
    [RegularExpression("^[0-9a-zA-Z-]{1,127}$", ErrorMessage = "ServiceNow:Api:ClientSecretName must be a Key Vault secret name: letters, digits and '-'.")]
    public string ClientSecretName { get; set; } = "servicenow-client-secret";

    /// <summary>Time allowed for one request to ServiceNow (the token request included).</summary>
    [Range(1, 120)]
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>True when the instance and the credentials (the user, or the client id) are named.</summary>
    internal bool Configured => InstanceUrl is not null
        && !string.IsNullOrWhiteSpace(Auth == ServiceNowAuth.OAuth ? ClientId : User);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (InstanceUrl is not null && !TicketUrls.IsHttp(InstanceUrl))
        {
            yield return new ValidationResult("ServiceNow:Api:InstanceUrl must be an absolute http or https URL, for example https://yourinstance.service-now.com/.");
        }
    }
}

/// <summary>Checks the data annotations of <see cref="ServiceNowApiOptions"/> with generated code.</summary>
[OptionsValidator] internal sealed partial class ServiceNowApiOptionsValidator : IValidateOptions<ServiceNowApiOptions>;

using System.ComponentModel.DataAnnotations;
using AssignBridge.Platform.Configuration;
using AssignBridge.Platform.Validation;
using Microsoft.Extensions.Options;

namespace AssignBridge.Sources.Jira;

/// <summary>How <c>POST /api/webhooks/jira</c> checks deliveries, links tickets to alerts and spaces, and bounds deliveries.</summary>
internal sealed class JiraOptions : IValidatableObject
{
    public const string SectionName = "Jira";

    /// <summary>
    /// Admin-webhook secrets, checked against the HMAC-SHA256 signature in <c>X-Hub-Signature</c> by
    /// <see cref="JiraSignatureVerifier"/>. None configured: admin-webhook deliveries are refused.
    /// </summary>
    [SecretSetting(SettingShape.List)]
    public const string SecretsKey = "Secrets";

    /// <summary>
    /// Shared secrets Jira Automation sends in the <see cref="AutomationSecretHeader"/> header (or as
    /// <c>Authorization: Bearer</c>). None configured: Automation deliveries are refused.
    /// </summary>
    [SecretSetting(SettingShape.List)]
    public const string AutomationSecretsKey = "AutomationSecrets";

    /// <summary>Dry run for onboarding: deliveries are verified, parsed, resolved and planned, the plan is answered and audited, and Kibana is not called (nothing is journaled).</summary>
    public bool DryRun { get; set; }

    /// <summary>Two-way sync (docs/two-way-sync.md): an assignee changed in Kibana is written to the linked Jira ticket (with <c>Jira:Api</c>). Off by default.</summary>
    public bool SyncFromKibana { get; set; }

    /// <summary>With <see cref="SyncFromKibana"/>: the ticket writes are decided and audited as <c>planned</c>, and Jira is not written.</summary>
    public bool SyncDryRun { get; set; }

    /// <summary>The accountId (Cloud) or user name (Data Center) the bridge writes tickets as: events this account made are its own writes coming back, and are not applied to Kibana.</summary>
    public string? SyncAccount { get; set; }

    /// <summary>The largest delivery body.</summary>
    [Range(1_024, 16 * 1_024 * 1_024)]
    public int MaxBodyBytes { get; set; } = 4 * 1_024 * 1_024;

    /// <summary>At most this many alerts per ticket; bounded so that one delivery always fits in a journal row.</summary>
    [Range(1, 1_500)]
    public int MaxAlertIds { get; set; } = 1_000;

    /// <summary>How long a delivery waits for Kibana before it is answered (the bridge finishes it later).</summary>
    [Range(1, 60)]
    public int InlineDeadlineSeconds { get; set; } = 5;

    /// <summary>A delivery whose signed <c>timestamp</c> is older than this is refused. Jira Cloud retries for up to about 2 hours.</summary>
    [Range(60, 7 * 24 * 3_600)]
    public int ReplayWindowSeconds { get; set; } = 6 * 3_600;

    /// <summary>The header carrying Jira Automation's shared secret (mark it Hidden in the rule).</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9-]{1,100}$")]
    public string AutomationSecretHeader { get; set; } = "X-Automation-Secret";

    /// <summary>A field holding alert ids as text (any of space, comma, semicolon, pipe between them), e.g. <c>customfield_10030</c>.</summary>
    public string? AlertField { get; set; }

    /// <summary>Labels starting with this name an alert each (<c>kibana-alert:681c2a70…</c>). Empty turns labels off.</summary>
    public string? AlertLabelPrefix { get; set; } = "kibana-alert:";

    /// <summary>A regular expression over summary and description; group <c>id</c> (or group 1, or the match) is an alert id.</summary>
    public string? AlertPattern { get; set; }

    /// <summary>The space when nothing on the ticket or in <see cref="ProjectSpaces"/> names one; <c>Kibana:DefaultSpace</c> when unset.</summary>
    public string? DefaultSpace { get; set; }

    /// <summary>Project key to space, e.g. <c>Jira:ProjectSpaces:SOC=soc</c>.</summary>
    public Dictionary<string, string> ProjectSpaces { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A field naming the space for one ticket; it wins over the project map.</summary>
    public string? SpaceField { get; set; }

    /// <summary>A label starting with this names the space for one ticket (<c>kibana-space:emea</c>); it wins over everything.</summary>
    public string? SpaceLabelPrefix { get; set; } = "kibana-space:";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!InputRules.SpacesValid(DefaultSpace, ProjectSpaces.Values))
        {
            yield return new ValidationResult("Jira:DefaultSpace and Jira:ProjectSpaces must be Kibana space ids: lower-case letters, digits, '_' and '-'.");
        }

        if (!InputRules.PatternValid(AlertPattern))
        {
            yield return new ValidationResult("Jira:AlertPattern must be a valid .NET regular expression.");
        }
    }
}

/// <summary>Checks the data annotations of <see cref="JiraOptions"/> with generated code.</summary>
[OptionsValidator] internal sealed partial class JiraOptionsValidator : IValidateOptions<JiraOptions>;

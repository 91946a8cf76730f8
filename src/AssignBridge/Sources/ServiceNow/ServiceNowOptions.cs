using System.ComponentModel.DataAnnotations;
using AssignBridge.Platform.Configuration;
using AssignBridge.Platform.Validation;
using Microsoft.Extensions.Options;

namespace AssignBridge.Sources.ServiceNow;

/// <summary>How <c>POST /api/webhooks/servicenow</c> checks deliveries (docs/senders/servicenow.md), names people and spaces, and bounds deliveries.</summary>
internal sealed class ServiceNowOptions : IValidatableObject
{
    public const string SectionName = "ServiceNow";

    /// <summary>
    /// HMAC keys or shared secrets (docs/senders/servicenow.md), checked by <see cref="ServiceNowVerifier"/>. None configured:
    /// every delivery is refused.
    /// </summary>
    [SecretSetting(SettingShape.List)]
    public const string SecretsKey = "Secrets";

    /// <summary>Dry run for onboarding: deliveries are verified, parsed, resolved and planned, the plan is answered and audited, and Kibana is not called (nothing is journaled).</summary>
    public bool DryRun { get; set; }

    /// <summary>Two-way sync (docs/two-way-sync.md): an assignee changed in Kibana is written to the linked record's <c>assigned_to</c> (with <c>ServiceNow:Api</c>). Off by default.</summary>
    public bool SyncFromKibana { get; set; }

    /// <summary>With <see cref="SyncFromKibana"/>: the record writes are decided and audited as <c>planned</c>, and ServiceNow is not written.</summary>
    public bool SyncDryRun { get; set; }

    /// <summary>The user_name the bridge writes records as (its <c>sys_updated_by</c>): events it made are its own writes coming back, and are not applied to Kibana.</summary>
    public string? SyncAccount { get; set; }

    /// <summary>The largest delivery body.</summary>
    [Range(1_024, 16 * 1_024 * 1_024)]
    public int MaxBodyBytes { get; set; } = 256 * 1_024;

    /// <summary>At most this many alerts per ticket; bounded so that one delivery always fits in a journal row.</summary>
    [Range(1, 1_500)]
    public int MaxAlertIds { get; set; } = 1_000;

    /// <summary>How long a delivery waits for Kibana before it is answered (the bridge finishes it later).</summary>
    [Range(1, 60)]
    public int InlineDeadlineSeconds { get; set; } = 5;

    /// <summary>A delivery whose <c>sent_at</c> (else <c>sys_updated_on</c>) is older than this is refused.</summary>
    [Range(60, 7 * 24 * 3_600)]
    public int ReplayWindowSeconds { get; set; } = 3_600;

    /// <summary>Which user value is the id in the <c>servicenow</c> namespace of the mapping table: <c>user_name</c> or <c>sys_id</c>.</summary>
    [Required]
    [RegularExpression("^(user_name|sys_id)$", ErrorMessage = "ServiceNow:IdentityField must be user_name or sys_id.")]
    public string IdentityField { get; set; } = "user_name";

    /// <summary>The space when the delivery names none; <c>Kibana:DefaultSpace</c> when unset.</summary>
    public string? DefaultSpace { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!InputRules.SpacesValid(DefaultSpace, []))
        {
            yield return new ValidationResult("ServiceNow:DefaultSpace must be a Kibana space id: lower-case letters, digits, '_' and '-'.");
        }
    }
}

/// <summary>Checks the data annotations of <see cref="ServiceNowOptions"/> with generated code.</summary>
[OptionsValidator] internal sealed partial class ServiceNowOptionsValidator : IValidateOptions<ServiceNowOptions>;

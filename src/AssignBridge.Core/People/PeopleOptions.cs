using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AssignBridge.People;

/// <summary>What to do with a person who has no mapping. Never a silent drop: each choice is reported to the sender.</summary>
internal enum UnmappedPolicy
{
    /// <summary>Refuse the whole assignment and name who is unmapped. Nothing is sent to Kibana.</summary>
    Reject,

    /// <summary>Apply what can be applied and report who was skipped.</summary>
    SkipAndReport,

    /// <summary>Assign <see cref="PeopleOptions.DefaultUid"/> in place of an unmapped person to add (an unmapped person to remove is skipped and reported).</summary>
    DefaultUid,
}

/// <summary>The mapping table from people in Jira, ServiceNow, Slack and Teams to Kibana users, and its lookup cache.</summary>
internal sealed class PeopleOptions : IValidatableObject
{
    public const string SectionName = "People";

    /// <summary>The mapping table, in the storage account of the <c>Storage</c> section.</summary>
    [Required]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$", ErrorMessage = "People:TableName must be a legal Azure table name.")]
    public string TableName { get; set; } = "people";

    /// <summary>What to do with a person who has no mapping.</summary>
    public UnmappedPolicy UnmappedPolicy { get; set; } = UnmappedPolicy.Reject;

    /// <summary>The Kibana UID assigned in place of an unmapped person when the policy is <see cref="UnmappedPolicy.DefaultUid"/>.</summary>
    public string? DefaultUid { get; set; }

    /// <summary>How long a mapping read from the table is used before it is read again.</summary>
    [Range(0, 86_400)]
    public int CacheSeconds { get; set; } = 300;

    /// <summary>Misses are cached briefly too, so a burst for an unmapped person does not hammer the table.</summary>
    [Range(0, 3_600)]
    public int NegativeCacheSeconds { get; set; } = 30;

    /// <summary>Lookups (found or missed) the cache holds at most.</summary>
    [Range(1, 1_000_000)]
    public int CacheSize { get; set; } = 10_000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (UnmappedPolicy == UnmappedPolicy.DefaultUid && string.IsNullOrWhiteSpace(DefaultUid))
        {
            yield return new ValidationResult("People:DefaultUid is required when People:UnmappedPolicy is DefaultUid.", [nameof(DefaultUid)]);
        }
    }
}

/// <summary>Checks the data annotations of <see cref="PeopleOptions"/> with generated code.</summary>
[OptionsValidator] internal sealed partial class PeopleOptionsValidator : IValidateOptions<PeopleOptions>;

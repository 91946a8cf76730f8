using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AssignBridge.Audit;

/// <summary>The audit trail Kibana does not keep: every assignees request the bridge made for a delivery, with its cause and Kibana's answer.</summary>
internal sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>The audit table, in the same storage account as the mapping table.</summary>
    [Required]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$", ErrorMessage = "Audit:TableName must be a legal Azure table name.")]
    public string TableName { get; set; } = "audit";

    /// <summary>Audit rows older than this are deleted by reconciliation, at most <see cref="PurgeBatchSize"/> per run.</summary>
    [Range(1, 3_650)]
    public int RetentionDays { get; set; } = 90;

    /// <summary>Audit rows deleted per reconciliation run at most; the rest go in later runs.</summary>
    [Range(1, 100_000)]
    public int PurgeBatchSize { get; set; } = 1_000;
}

/// <summary>Checks the data annotations of <see cref="AuditOptions"/> with generated code.</summary>
[OptionsValidator] internal sealed partial class AuditOptionsValidator : IValidateOptions<AuditOptions>;

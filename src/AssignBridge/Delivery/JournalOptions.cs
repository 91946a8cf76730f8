using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AssignBridge.Delivery;

/// <summary>
/// The delivery journal: a row per delivery, written before Kibana is called, through which every delivery is
/// applied, retried with back-off or declared dead; and the table of the assignees the bridge manages.
/// </summary>
internal sealed class JournalOptions
{
    public const string SectionName = "Journal";

    /// <summary>The journal table, in the same storage account as the mapping table.</summary>
    [Required]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$", ErrorMessage = "Journal:TableName must be a legal Azure table name.")]
    public string TableName { get; set; } = "journal";

    /// <summary>The table of the assignees the bridge put on each alert (the newest event applied per ticket is kept in the journal table).</summary>
    [Required]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$", ErrorMessage = "Journal:ManagedTableName must be a legal Azure table name.")]
    public string ManagedTableName { get; set; } = "managed";

    /// <summary>
    /// When true a ticket is the single source of truth: a ticket event removes every other assignee from its
    /// alerts. When false (the default) it removes only people the bridge itself assigned.
    /// </summary>
    public bool EnforceTicketAssignees { get; set; }

    /// <summary>Attempts before a delivery is declared dead.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>First back-off after a retryable failure; doubles per attempt, with jitter.</summary>
    [Range(1, 3_600)]
    public int RetryBaseSeconds { get; set; } = 30;

    /// <summary>The longest back-off between attempts.</summary>
    [Range(1, 86_400)]
    public int RetryMaxSeconds { get; set; } = 3_600;

    /// <summary>How long a request waits for Kibana before answering 202 and leaving the rest to the delivery queue.</summary>
    [Range(1, 300)]
    public int InlineDeadlineSeconds { get; set; } = 10;

    /// <summary>How long an instance holds a delivery it works on; after that another instance may take it over (a crashed instance's deliveries are taken over so).</summary>
    [Range(1, 3_600)]
    public int ClaimSeconds { get; set; } = 120;
}

/// <summary>Checks the data annotations of <see cref="JournalOptions"/> with generated code.</summary>
[OptionsValidator] internal sealed partial class JournalOptionsValidator : IValidateOptions<JournalOptions>;

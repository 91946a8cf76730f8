using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AssignBridge.Sync;

/// <summary>
/// Two-way sync's shared settings: where the links between tickets and alerts are kept, and how much one reconcile run
/// looks at. Each source turns it on for itself (<c>Jira:SyncFromKibana</c>, <c>ServiceNow:SyncFromKibana</c>); see docs/two-way-sync.md.
/// </summary>
internal sealed class SyncOptions
{
    public const string SectionName = "Sync";

    /// <summary>The table linking tickets to alerts, with the ticket's assignee and each alert's assignees as last seen.</summary>
    [Required]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$", ErrorMessage = "Sync:TableName must be a legal Azure table name.")]
    public string TableName { get; set; } = "ticketlinks";

    /// <summary>Tickets looked at per reconcile run; the next run goes on where this one stopped.</summary>
    [Range(1, 10_000)]
    public int TicketsPerRun { get; set; } = 200;
}

/// <summary>Checks the data annotations of <see cref="SyncOptions"/> with generated code.</summary>
[OptionsValidator] internal sealed partial class SyncOptionsValidator : IValidateOptions<SyncOptions>;

/// <summary>How one ticket source takes part in two-way sync.</summary>
internal sealed record SourceSync(string Source, bool Enabled, bool DryRun, string? Account);

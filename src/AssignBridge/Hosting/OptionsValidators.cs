using AssignBridge.Queues;
using System.Diagnostics.CodeAnalysis;
using AssignBridge.Assignments;
using AssignBridge.Audit;
using AssignBridge.Commands;
using AssignBridge.Commands.Slack;
using AssignBridge.Commands.Teams;
using AssignBridge.Journal;
using AssignBridge.Kibana;
using AssignBridge.Notifications;
using AssignBridge.People;
using AssignBridge.Reconciliation;
using AssignBridge.Secrets;
using AssignBridge.Sources.Jira;
using AssignBridge.Sources.ServiceNow;
using AssignBridge.Telemetry;
using Microsoft.Extensions.Options;

namespace AssignBridge.Hosting;

// The options' data annotations (and IValidatableObject) checked by generated code rather than by reflection: the
// checks run at start-up (StartupOptionsCheck), before Kestrel answers the host's first GET /, and reflection made
// them the largest single cost there. Each options registration also validates on first use with the same validator.
[OptionsValidator] internal sealed partial class KibanaOptionsValidator : IValidateOptions<KibanaOptions>;
[OptionsValidator] internal sealed partial class KeyVaultOptionsValidator : IValidateOptions<KeyVaultOptions>;
[OptionsValidator] internal sealed partial class PeopleOptionsValidator : IValidateOptions<PeopleOptions>;
[OptionsValidator] internal sealed partial class AssignmentsOptionsValidator : IValidateOptions<AssignmentsOptions>;
[OptionsValidator] internal sealed partial class JournalOptionsValidator : IValidateOptions<JournalOptions>;
[OptionsValidator] internal sealed partial class ReconcileOptionsValidator : IValidateOptions<ReconcileOptions>;
[OptionsValidator] internal sealed partial class StorageOptionsValidator : IValidateOptions<StorageOptions>;
[OptionsValidator] internal sealed partial class QueueOptionsValidator : IValidateOptions<QueueOptions>;
[OptionsValidator] internal sealed partial class JiraOptionsValidator : IValidateOptions<JiraOptions>;
[OptionsValidator] internal sealed partial class ServiceNowOptionsValidator : IValidateOptions<ServiceNowOptions>;
[OptionsValidator] internal sealed partial class PeopleAdminOptionsValidator : IValidateOptions<PeopleAdminOptions>;
[OptionsValidator] internal sealed partial class CommandsOptionsValidator : IValidateOptions<CommandsOptions>;
[OptionsValidator] internal sealed partial class SlackOptionsValidator : IValidateOptions<SlackOptions>;
[OptionsValidator] internal sealed partial class TeamsOptionsValidator : IValidateOptions<TeamsOptions>;
[OptionsValidator] internal sealed partial class AuditOptionsValidator : IValidateOptions<AuditOptions>;

internal static class OptionsValidation
{
    /// <summary>Validates <typeparamref name="TOptions"/> with its generated validator (in place of ValidateDataAnnotations).</summary>
    public static OptionsBuilder<TOptions> ValidateGenerated<TOptions, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TValidator>(this OptionsBuilder<TOptions> builder)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        builder.Services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        return builder;
    }
}

using AssignBridge.Queues;
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
// them the largest single cost there. Each options registration (AppOptions) also validates on first use with the same validator.
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
[OptionsValidator] internal sealed partial class NotificationOptionsValidator : IValidateOptions<NotificationOptions>;

// Hand-written: the generator refuses a type without annotated members (SYSLIB1203). TelemetryOptions holds two switches
// only, and the binder itself refuses a value that is not a boolean, naming the setting; the entry keeps the list complete.
internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options) => ValidateOptionsResult.Success;
}

using AssignBridge.Queues;
using AssignBridge.Assignments;
using AssignBridge.Audit;
using AssignBridge.Commands;
using AssignBridge.Commands.Slack;
using AssignBridge.Commands.Teams;
using AssignBridge.Journal;
using AssignBridge.Kibana;
using AssignBridge.People;
using AssignBridge.Reconciliation;
using AssignBridge.Secrets;
using AssignBridge.Sources.Jira;
using AssignBridge.Sources.ServiceNow;
using Microsoft.Extensions.Options;

namespace AssignBridge.Hosting;

/// <summary>
/// Checks every validated settings section once as the host starts, before Kestrel listens, so that a bad setting
/// stops the app with a message naming it. The generated binders and validators are called directly: the verdicts of
/// <c>ValidateOnStart</c>, without building the options machinery of fourteen types through dependency injection
/// before the host's first <c>GET /</c> (README "Performance"). Each section is validated again when first used.
/// </summary>
internal sealed class StartupOptionsCheck(IConfiguration configuration) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        Check(configuration);
        return Task.CompletedTask;
    }

    /// <summary>Binds and validates each section; returns the options types checked (one failure: its exception; several: all of them).</summary>
    /// <exception cref="OptionsValidationException">A section is invalid.</exception>
    /// <exception cref="AggregateException">Several sections are invalid.</exception>
    public static IReadOnlyList<Type> Check(IConfiguration configuration)
    {
        var checkedTypes = new List<Type>();
        var failures = new List<OptionsValidationException>();
        // One line per section, each with its concrete type: the binding generator replaces these calls with generated code.
        Validate(configuration.GetSection(KibanaOptions.SectionName).Get<KibanaOptions>(), new KibanaOptionsValidator());
        Validate(configuration.GetSection(KeyVaultOptions.SectionName).Get<KeyVaultOptions>(), new KeyVaultOptionsValidator());
        Validate(configuration.GetSection(PeopleOptions.SectionName).Get<PeopleOptions>(), new PeopleOptionsValidator());
        Validate(configuration.GetSection(AssignmentsOptions.SectionName).Get<AssignmentsOptions>(), new AssignmentsOptionsValidator());
        Validate(configuration.GetSection(JournalOptions.SectionName).Get<JournalOptions>(), new JournalOptionsValidator());
        Validate(configuration.GetSection(ReconcileOptions.SectionName).Get<ReconcileOptions>(), new ReconcileOptionsValidator());
        Validate(configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>(), new StorageOptionsValidator());
        Validate(configuration.GetSection(QueueOptions.SectionName).Get<QueueOptions>(), new QueueOptionsValidator());
        Validate(configuration.GetSection(JiraOptions.SectionName).Get<JiraOptions>(), new JiraOptionsValidator());
        Validate(configuration.GetSection(ServiceNowOptions.SectionName).Get<ServiceNowOptions>(), new ServiceNowOptionsValidator());
        Validate(configuration.GetSection(PeopleAdminOptions.SectionName).Get<PeopleAdminOptions>(), new PeopleAdminOptionsValidator());
        Validate(configuration.GetSection(CommandsOptions.SectionName).Get<CommandsOptions>(), new CommandsOptionsValidator());
        Validate(configuration.GetSection(SlackOptions.SectionName).Get<SlackOptions>(), new SlackOptionsValidator());
        Validate(configuration.GetSection(TeamsOptions.SectionName).Get<TeamsOptions>(), new TeamsOptionsValidator());
        Validate(configuration.GetSection(AuditOptions.SectionName).Get<AuditOptions>(), new AuditOptionsValidator());

        if (failures.Count == 1)
        {
            throw failures[0];
        }

        if (failures.Count > 1)
        {
            throw new AggregateException(failures);
        }

        return checkedTypes;

        // An absent section binds to the defaults, as the options pattern does.
        void Validate<TOptions>(TOptions? bound, IValidateOptions<TOptions> validator)
            where TOptions : class, new()
        {
            checkedTypes.Add(typeof(TOptions));
            var result = validator.Validate(Options.DefaultName, bound ?? new TOptions());
            if (result.Failed)
            {
                failures.Add(new OptionsValidationException(Options.DefaultName, typeof(TOptions), result.Failures ?? [result.FailureMessage]));
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

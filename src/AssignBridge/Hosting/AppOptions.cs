using System.Diagnostics.CodeAnalysis;
using AssignBridge.Admin;
using AssignBridge.AssignmentsApi;
using AssignBridge.Audit;
using AssignBridge.Commands.Slack;
using AssignBridge.Commands.Teams;
using AssignBridge.Commands;
using AssignBridge.Delivery;
using AssignBridge.Kibana;
using AssignBridge.Notifications;
using AssignBridge.People;
using AssignBridge.Platform.Options;
using AssignBridge.Platform.Queues;
using AssignBridge.Platform.Storage;
using AssignBridge.Platform.Telemetry;
using AssignBridge.Reconciliation;
using AssignBridge.Secrets;
using AssignBridge.Sources.Jira;
using AssignBridge.Sources.ServiceNow;
using Microsoft.Extensions.Options;

namespace AssignBridge.Hosting;

/// <summary>One settings section: its options class, how it binds (generated code) and its generated validator.</summary>
internal sealed record OptionsSection(Type Type, string Name, Action<IServiceCollection> Register, Func<IConfiguration, OptionsValidationException?> Check);

/// <summary>
/// Every settings section, once: this list registers each options class with its binding and validator, and the
/// start-up check (<see cref="StartupOptionsCheck"/>) validates the same list before Kestrel listens.
/// </summary>
internal static class AppOptions
{
    // Each binding is a lambda with the concrete type so that the configuration binding generator replaces it.
    public static readonly IReadOnlyList<OptionsSection> All =
    [
        Section<KibanaOptions, KibanaOptionsValidator>(KibanaOptions.SectionName, (section, options) => section.Bind(options)),
        Section<KeyVaultOptions, KeyVaultOptionsValidator>(KeyVaultOptions.SectionName, (section, options) => section.Bind(options)),
        Section<PeopleOptions, PeopleOptionsValidator>(PeopleOptions.SectionName, (section, options) => section.Bind(options)),
        Section<AssignmentsOptions, AssignmentsOptionsValidator>(AssignmentsOptions.SectionName, (section, options) => section.Bind(options)),
        Section<JournalOptions, JournalOptionsValidator>(JournalOptions.SectionName, (section, options) => section.Bind(options)),
        Section<ReconcileOptions, ReconcileOptionsValidator>(ReconcileOptions.SectionName, (section, options) => section.Bind(options)),
        Section<StorageOptions, StorageOptionsValidator>(StorageOptions.SectionName, (section, options) => section.Bind(options)),
        Section<QueueOptions, QueueOptionsValidator>(QueueOptions.SectionName, (section, options) => section.Bind(options)),
        Section<JiraOptions, JiraOptionsValidator>(JiraOptions.SectionName, (section, options) => section.Bind(options)),
        Section<ServiceNowOptions, ServiceNowOptionsValidator>(ServiceNowOptions.SectionName, (section, options) => section.Bind(options)),
        Section<PeopleAdminOptions, PeopleAdminOptionsValidator>(PeopleAdminOptions.SectionName, (section, options) => section.Bind(options)),
        Section<CommandsOptions, CommandsOptionsValidator>(CommandsOptions.SectionName, (section, options) => section.Bind(options)),
        Section<SlackOptions, SlackOptionsValidator>(SlackOptions.SectionName, (section, options) => section.Bind(options)),
        Section<TeamsOptions, TeamsOptionsValidator>(TeamsOptions.SectionName, (section, options) => section.Bind(options)),
        Section<AuditOptions, AuditOptionsValidator>(AuditOptions.SectionName, (section, options) => section.Bind(options)),
        Section<NotificationOptions, NotificationOptionsValidator>(NotificationOptions.SectionName, (section, options) => section.Bind(options)),
        Section<TelemetryOptions, TelemetryOptionsValidator>(TelemetryOptions.SectionName, (section, options) => section.Bind(options)),
    ];

    public static IServiceCollection AddAppOptions(this IServiceCollection services)
    {
        foreach (var section in All)
        {
            section.Register(services);
        }

        return services;
    }

    private static OptionsSection Section<TOptions, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TValidator>(string name, Action<IConfiguration, TOptions> bind)
        where TOptions : class, new()
        where TValidator : class, IValidateOptions<TOptions>, new() =>
        new(
            typeof(TOptions),
            name,
            services => services.AddOptions<TOptions>()
                .Configure<IConfiguration>((options, configuration) => bind(configuration.GetSection(name), options))
                .ValidateGenerated<TOptions, TValidator>(),
            configuration =>
            {
                // An absent section binds to the defaults, as the options pattern does.
                var options = new TOptions();
                bind(configuration.GetSection(name), options);
                var result = new TValidator().Validate(Options.DefaultName, options);
                return result.Failed ? new OptionsValidationException(Options.DefaultName, typeof(TOptions), result.Failures ?? [result.FailureMessage]) : null;
            });
}

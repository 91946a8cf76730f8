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
using AssignBridge.Platform.Queues;
using AssignBridge.Platform.Storage;
using AssignBridge.Platform.Telemetry;
using AssignBridge.Reconciliation;
using AssignBridge.Secrets;
using AssignBridge.Sources.Jira;
using AssignBridge.Sources.ServiceNow;
using Microsoft.Extensions.Options;

namespace AssignBridge.Hosting;

/// <summary>
/// Every settings section of the app, once: each entry binds its section (options pattern), registers its generated
/// validator (checked on first use) and is checked by <see cref="StartupOptionsCheck"/> before Kestrel listens.
/// </summary>
internal static class AppOptions
{
    // Each entry binds with a lambda of its concrete type: the binding generator replaces those Bind calls with generated code.
    public static readonly IReadOnlyList<AppOptionsEntry> All =
    [
        AppOptionsEntry.For<KibanaOptions, KibanaOptionsValidator>(KibanaOptions.SectionName, static (section, options) => section.Bind(options)),
        AppOptionsEntry.For<KeyVaultOptions, KeyVaultOptionsValidator>(KeyVaultOptions.SectionName, static (section, options) => section.Bind(options)),
        AppOptionsEntry.For<PeopleOptions, PeopleOptionsValidator>(PeopleOptions.SectionName, static (section, options) => section.Bind(options)),
        AppOptionsEntry.For<AssignmentsOptions, AssignmentsOptionsValidator>(AssignmentsOptions.SectionName, static (section, options) => section.Bind(options)),
        AppOptionsEntry.For<JournalOptions, JournalOptionsValidator>(JournalOptions.SectionName, static (section, options) => section.Bind(options)),
        AppOptionsEntry.For<ReconcileOptions, ReconcileOptionsValidator>(ReconcileOptions.SectionName, static (section, options) => section.Bind(options)),
        AppOptionsEntry.For<StorageOptions, StorageOptionsValidator>(StorageOptions.SectionName, static (section, options) => section.Bind(options)),
        AppOptionsEntry.For<QueueOptions, QueueOptionsValidator>(QueueOptions.SectionName, static (section, options) => section.Bind(options)),
        AppOptionsEntry.For<JiraOptions, JiraOptionsValidator>(JiraOptions.SectionName, static (section, options) => section.Bind(options)),
        AppOptionsEntry.For<ServiceNowOptions, ServiceNowOptionsValidator>(ServiceNowOptions.SectionName, static (section, options) => section.Bind(options)),
        AppOptionsEntry.For<AdminOptions, AdminOptionsValidator>(AdminOptions.SectionName, static (section, options) => section.Bind(options)),
        AppOptionsEntry.For<CommandsOptions, CommandsOptionsValidator>(CommandsOptions.SectionName, static (section, options) => section.Bind(options)),
        AppOptionsEntry.For<SlackOptions, SlackOptionsValidator>(SlackOptions.SectionName, static (section, options) => section.Bind(options)),
        AppOptionsEntry.For<TeamsOptions, TeamsOptionsValidator>(TeamsOptions.SectionName, static (section, options) => section.Bind(options)),
        AppOptionsEntry.For<AuditOptions, AuditOptionsValidator>(AuditOptions.SectionName, static (section, options) => section.Bind(options)),
        AppOptionsEntry.For<NotificationOptions, NotificationOptionsValidator>(NotificationOptions.SectionName, static (section, options) => section.Bind(options)),
        AppOptionsEntry.For<TelemetryOptions, TelemetryOptionsValidator>(TelemetryOptions.SectionName, static (section, options) => section.Bind(options)),
    ];

    /// <summary>Binds every section of <see cref="All"/> and registers its validator.</summary>
    public static IServiceCollection AddAppOptions(this IServiceCollection services)
    {
        foreach (var entry in All)
        {
            entry.Register(services);
        }

        return services;
    }
}

/// <summary>One settings section: its options type, where it is read from, how it is bound and validated.</summary>
internal abstract class AppOptionsEntry
{
    private protected AppOptionsEntry(Type optionsType, string sectionName) => (OptionsType, SectionName) = (optionsType, sectionName);

    public Type OptionsType { get; }

    public string SectionName { get; }

    public static AppOptionsEntry For<TOptions, TValidator>(string sectionName, Action<IConfiguration, TOptions> bind)
        where TOptions : class, new()
        where TValidator : class, IValidateOptions<TOptions>, new() =>
        new TypedEntry<TOptions, TValidator>(sectionName, bind);

    /// <summary>The options pattern's binding (as <c>BindConfiguration</c>: reloads follow the configuration) and the validator, checked on first use.</summary>
    public abstract void Register(IServiceCollection services);

    /// <summary>Binds the section (an absent one binds to the defaults, as the options pattern does) and validates it; null when valid.</summary>
    public abstract OptionsValidationException? Validate(IConfiguration configuration);

    private sealed class TypedEntry<TOptions, TValidator>(string sectionName, Action<IConfiguration, TOptions> bind) : AppOptionsEntry(typeof(TOptions), sectionName)
        where TOptions : class, new()
        where TValidator : class, IValidateOptions<TOptions>, new()
    {
        public override void Register(IServiceCollection services)
        {
            services.AddOptions<TOptions>().Configure<IConfiguration>((options, configuration) => bind(configuration.GetSection(SectionName), options));
            services.AddSingleton<IOptionsChangeTokenSource<TOptions>>(sp => new ConfigurationChangeTokenSource<TOptions>(Options.DefaultName, sp.GetRequiredService<IConfiguration>().GetSection(SectionName)));
            services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        }

        public override OptionsValidationException? Validate(IConfiguration configuration)
        {
            var options = new TOptions();
            bind(configuration.GetSection(SectionName), options);
            var result = new TValidator().Validate(Options.DefaultName, options);
            return result.Failed ? new OptionsValidationException(Options.DefaultName, typeof(TOptions), result.Failures ?? [result.FailureMessage]) : null;
        }
    }
}

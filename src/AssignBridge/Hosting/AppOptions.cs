using AssignBridge.Admin;
using AssignBridge.AssignmentsApi;
using AssignBridge.Commands.Slack;
using AssignBridge.Commands.Teams;
using AssignBridge.Commands;
using AssignBridge.Delivery;
using AssignBridge.Reconciliation;
using AssignBridge.Sources.Jira;
using AssignBridge.Sources.ServiceNow;
using AssignBridge.Sync;
using AssignBridge.Tickets;

namespace AssignBridge.Hosting;

/// <summary>
/// Every settings section of the app, once: the core's (<see cref="CoreOptions"/>, registered with the core's
/// services) and the app's own. Each entry binds its section (options pattern), registers its generated validator
/// (checked on first use) and is checked by <see cref="StartupOptionsCheck"/> before Kestrel listens.
/// </summary>
internal static class AppOptions
{
    // Each entry binds with a lambda of its concrete type: the binding generator replaces those Bind calls with generated code.
    private static readonly IReadOnlyList<AppOptionsEntry> s_own =
    [
        AppOptionsEntry.For<AssignmentsOptions, AssignmentsOptionsValidator>(AssignmentsOptions.SectionName, static (section, options) => section.Bind(options)),
        AppOptionsEntry.For<JournalOptions, JournalOptionsValidator>(JournalOptions.SectionName, static (section, options) => section.Bind(options)),
        AppOptionsEntry.For<ReconcileOptions, ReconcileOptionsValidator>(ReconcileOptions.SectionName, static (section, options) => section.Bind(options)),
        AppOptionsEntry.For<JiraOptions, JiraOptionsValidator>(JiraOptions.SectionName, static (section, options) => section.Bind(options)),
        AppOptionsEntry.For<ServiceNowOptions, ServiceNowOptionsValidator>(ServiceNowOptions.SectionName, static (section, options) => section.Bind(options)),
        AppOptionsEntry.For<AdminOptions, AdminOptionsValidator>(AdminOptions.SectionName, static (section, options) => section.Bind(options)),
        AppOptionsEntry.For<CommandsOptions, CommandsOptionsValidator>(CommandsOptions.SectionName, static (section, options) => section.Bind(options)),
        AppOptionsEntry.For<SlackOptions, SlackOptionsValidator>(SlackOptions.SectionName, static (section, options) => section.Bind(options)),
        AppOptionsEntry.For<TeamsOptions, TeamsOptionsValidator>(TeamsOptions.SectionName, static (section, options) => section.Bind(options)),
        AppOptionsEntry.For<SyncOptions, SyncOptionsValidator>(SyncOptions.SectionName, static (section, options) => section.Bind(options)),
        AppOptionsEntry.For<JiraApiOptions, JiraApiOptionsValidator>(JiraApiOptions.SectionName, static (section, options) => section.Bind(options)),
        AppOptionsEntry.For<ServiceNowApiOptions, ServiceNowApiOptionsValidator>(ServiceNowApiOptions.SectionName, static (section, options) => section.Bind(options)),
    ];

    public static readonly IReadOnlyList<AppOptionsEntry> All = [.. CoreOptions.All, .. s_own];

    /// <summary>Binds the app's own sections and registers their validators (the core's come with <c>AddAssignBridgeCore</c>).</summary>
    public static IServiceCollection AddAppOptions(this IServiceCollection services) => AppOptionsEntry.RegisterAll(services, s_own);
}

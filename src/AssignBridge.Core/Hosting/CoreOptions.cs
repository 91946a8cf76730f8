using AssignBridge.Audit;
using AssignBridge.Kibana;
using AssignBridge.Notifications;
using AssignBridge.People;
using AssignBridge.Platform.Queues;
using AssignBridge.Platform.Storage;
using AssignBridge.Platform.Telemetry;
using AssignBridge.Secrets;

namespace AssignBridge.Hosting;

/// <summary>
/// The settings sections of the core (domain services and platform), once: the app checks them with its own
/// (<c>AppOptions.All</c>), the CLI with nothing else, so both read and validate them alike.
/// </summary>
internal static class CoreOptions
{
    // Each entry binds with a lambda of its concrete type: the binding generator replaces those Bind calls with generated code.
    public static readonly IReadOnlyList<AppOptionsEntry> All =
    [
        AppOptionsEntry.For<KibanaOptions, KibanaOptionsValidator>(KibanaOptions.SectionName, static (section, options) => section.Bind(options)),
        AppOptionsEntry.For<KeyVaultOptions, KeyVaultOptionsValidator>(KeyVaultOptions.SectionName, static (section, options) => section.Bind(options)),
        AppOptionsEntry.For<PeopleOptions, PeopleOptionsValidator>(PeopleOptions.SectionName, static (section, options) => section.Bind(options)),
        AppOptionsEntry.For<StorageOptions, StorageOptionsValidator>(StorageOptions.SectionName, static (section, options) => section.Bind(options)),
        AppOptionsEntry.For<QueueOptions, QueueOptionsValidator>(QueueOptions.SectionName, static (section, options) => section.Bind(options)),
        AppOptionsEntry.For<AuditOptions, AuditOptionsValidator>(AuditOptions.SectionName, static (section, options) => section.Bind(options)),
        AppOptionsEntry.For<NotificationOptions, NotificationOptionsValidator>(NotificationOptions.SectionName, static (section, options) => section.Bind(options)),
        AppOptionsEntry.For<TelemetryOptions, TelemetryOptionsValidator>(TelemetryOptions.SectionName, static (section, options) => section.Bind(options)),
    ];

    /// <summary>Binds every section of <see cref="All"/> and registers its validator.</summary>
    public static IServiceCollection AddCoreOptions(this IServiceCollection services) => AppOptionsEntry.RegisterAll(services, All);
}

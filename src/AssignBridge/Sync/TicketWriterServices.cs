using AssignBridge.Hosting;
using Microsoft.Extensions.Options;

namespace AssignBridge.Sync;

public static class TicketWriterServices
{
    /// <summary>The settings sections of the writers; <c>AppOptions.All</c> lists them so that the start-up check validates them.</summary>
    internal static readonly IReadOnlyList<AppOptionsEntry> Options =
    [
        AppOptionsEntry.For<JiraApiOptions, JiraApiOptionsValidator>(JiraApiOptions.SectionName, static (section, options) => section.Bind(options)),
        AppOptionsEntry.For<ServiceNowApiOptions, ServiceNowApiOptionsValidator>(ServiceNowApiOptions.SectionName, static (section, options) => section.Bind(options)),
    ];

    /// <summary>
    /// The Jira and ServiceNow writers as <see cref="ITicketWriter"/>s (resolve <c>IEnumerable&lt;ITicketWriter&gt;</c>), their
    /// typed HttpClients and settings. Each client makes one attempt per call within its <c>TimeoutSeconds</c>: no retries
    /// here, they go through the bridge's queue; the only second request is the one after a 401 with a renewed credential.
    /// </summary>
    public static IServiceCollection AddTicketWriters(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        AppOptionsEntry.RegisterAll(services, Options);

        services.AddSingleton<JiraCredentials>();
        services.AddHttpClient<JiraTicketWriter>((sp, http) =>
        {
            var jira = sp.GetRequiredService<IOptions<JiraApiOptions>>().Value;
            Configure(http, jira.BaseUrl, jira.TimeoutSeconds);
        });
        services.AddTransient<ITicketWriter>(sp => sp.GetRequiredService<JiraTicketWriter>());

        services.AddSingleton<ServiceNowCredentials>();
        services.AddHttpClient<ServiceNowTicketWriter>(ServiceNowTicketWriter.HttpClientName, (sp, http) =>
        {
            var serviceNow = sp.GetRequiredService<IOptions<ServiceNowApiOptions>>().Value;
            Configure(http, serviceNow.InstanceUrl, serviceNow.TimeoutSeconds);
        });
        services.AddTransient<ITicketWriter>(sp => sp.GetRequiredService<ServiceNowTicketWriter>());
        return services;
    }

    private static void Configure(HttpClient http, Uri? baseUrl, int timeoutSeconds)
    {
        // Unconfigured, the writer says so (Configured is false) and sends nothing.
        if (baseUrl is not null)
        {
            http.BaseAddress = TicketUrls.WithTrailingSlash(baseUrl);
        }

        http.Timeout = TimeSpan.FromSeconds(timeoutSeconds);
        http.DefaultRequestHeaders.UserAgent.ParseAdd("AssignBridge/1.0");
    }
}

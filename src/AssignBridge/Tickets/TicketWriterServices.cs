using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AssignBridge.Tickets;

public static class TicketWriterServices
{
    /// <summary>
    /// The Jira and ServiceNow writers as <see cref="ITicketWriter"/>s (resolve <c>IEnumerable&lt;ITicketWriter&gt;</c>), their
    /// typed HttpClients and settings (<c>Jira:Api</c>, <c>ServiceNow:Api</c>: bound and validated by their generated
    /// validators; <c>AppOptions</c> lists them too, so that the start-up check stops a bad section before the app listens). Each client makes one attempt per call within its <c>TimeoutSeconds</c>: no retries
    /// here, they go through the bridge's queue; the only second request is the one after a 401 with a renewed credential.
    /// </summary>
    public static IServiceCollection AddTicketWriters(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        // The app's AppOptions binds and validates both sections already (and checks them at start-up); bound once, validated once.
        if (!Registered<JiraApiOptions>(services))
        {
            services.AddOptions<JiraApiOptions>().BindConfiguration(JiraApiOptions.SectionName);
            services.AddSingleton<IValidateOptions<JiraApiOptions>, JiraApiOptionsValidator>();
        }

        if (!Registered<ServiceNowApiOptions>(services))
        {
            services.AddOptions<ServiceNowApiOptions>().BindConfiguration(ServiceNowApiOptions.SectionName);
            services.AddSingleton<IValidateOptions<ServiceNowApiOptions>, ServiceNowApiOptionsValidator>();
        }

        services.AddSingleton<JiraCredentials>();
        services.AddHttpClient<JiraTicketWriter>((sp, http) =>
        {
            var jira = sp.GetRequiredService<IOptions<JiraApiOptions>>().Value;
            Configure(http, jira.BaseUrl, jira.TimeoutSeconds);
        });
        services.AddTransient<ITicketWriter>(sp => sp.GetRequiredService<JiraTicketWriter>());

        // The webhook's setting (ServiceNowOptions, validated there), read here as text: the writers sit below the ways in.
        services.TryAddSingleton(new ServiceNowIdentity(configuration["ServiceNow:IdentityField"] is { Length: > 0 } field ? field : "user_name"));
        services.AddSingleton<ServiceNowCredentials>();
        services.AddHttpClient<ServiceNowTicketWriter>(ServiceNowTicketWriter.HttpClientName, (sp, http) =>
        {
            var serviceNow = sp.GetRequiredService<IOptions<ServiceNowApiOptions>>().Value;
            Configure(http, serviceNow.InstanceUrl, serviceNow.TimeoutSeconds);
        });
        services.AddTransient<ITicketWriter>(sp => sp.GetRequiredService<ServiceNowTicketWriter>());
        return services;
    }

    private static bool Registered<TOptions>(IServiceCollection services)
        where TOptions : class =>
        services.Any(d => d.ServiceType == typeof(IValidateOptions<TOptions>));

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

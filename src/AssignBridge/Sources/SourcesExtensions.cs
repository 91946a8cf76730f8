using AssignBridge.Sources.Jira;
using AssignBridge.Sources.ServiceNow;









namespace AssignBridge.Sources;

/// <summary>The ticketing webhooks: Jira (Cloud, Data Center, Automation) and ServiceNow.</summary>
internal static class SourcesExtensions
{
    public static IServiceCollection AddWebhookSources(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, JiraJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, ServiceNowJsonContext.Default);
        });

        services.AddSingleton<JiraSignatureVerifier>();
        services.AddSingleton<JiraEventReader>();
        services.AddSingleton<ServiceNowVerifier>();
        services.AddSingleton<ServiceNowEventReader>();
        return services;
    }

    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapJiraWebhook();
        app.MapServiceNowWebhook();
        return app;
    }
}

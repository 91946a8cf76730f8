using AssignBridge.Hosting;
using AssignBridge.Kibana;
using AssignBridge.Sources.Jira;
using AssignBridge.Sources.ServiceNow;

namespace AssignBridge.Sources;

/// <summary>The ticketing webhooks: Jira (Cloud, Data Center, Automation) and ServiceNow.</summary>
internal static class SourcesExtensions
{
    public static IServiceCollection AddWebhookSources(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, SourcesJsonContext.Default));

        services.AddOptions<JiraOptions>().BindConfiguration(JiraOptions.SectionName).ValidateGenerated<JiraOptions, JiraOptionsValidator>()
            .Validate(o => SpacesValid(o.DefaultSpace, o.ProjectSpaces.Values), "Jira:DefaultSpace and Jira:ProjectSpaces must be Kibana space ids: lower-case letters, digits, '_' and '-'.")
            .Validate(o => PatternValid(o.AlertPattern), "Jira:AlertPattern must be a valid .NET regular expression.")
            .ValidateOnStart();
        services.AddOptions<ServiceNowOptions>().BindConfiguration(ServiceNowOptions.SectionName).ValidateGenerated<ServiceNowOptions, ServiceNowOptionsValidator>()
            .Validate(o => SpacesValid(o.DefaultSpace, []), "ServiceNow:DefaultSpace must be a Kibana space id: lower-case letters, digits, '_' and '-'.")
            .ValidateOnStart();

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

    private static bool SpacesValid(string? defaultSpace, IEnumerable<string> spaces) =>
        (string.IsNullOrWhiteSpace(defaultSpace) || KibanaSpaces.IsValid(defaultSpace.Trim())) && spaces.All(s => KibanaSpaces.IsValid(s.Trim()));

    private static bool PatternValid(string? pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            return true;
        }

        try
        {
            _ = new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromMilliseconds(200));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

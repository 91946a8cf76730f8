using AssignBridge.Sources.Jira;
using AssignBridge.Sources.ServiceNow;
using AssignBridge.Validation;

namespace AssignBridge.Sources;

/// <summary>The ticketing webhooks: Jira (Cloud, Data Center, Automation) and ServiceNow.</summary>
internal static class SourcesExtensions
{
    public static IServiceCollection AddWebhookSources(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, SourcesJsonContext.Default));

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

    internal static bool SpacesValid(string? defaultSpace, IEnumerable<string> spaces) =>
        (string.IsNullOrWhiteSpace(defaultSpace) || InputRules.IsSpaceId(defaultSpace.Trim())) && spaces.All(s => InputRules.IsSpaceId(s.Trim()));

    internal static bool PatternValid(string? pattern)
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

using System.Text.RegularExpressions;

namespace AssignBridge.Kibana;

/// <summary>Alert ids as tickets hold them: free text with any common separators, or Kibana's connector correlation id.</summary>
internal static partial class AlertIds
{
    /// <summary>Splits text holding one or more alert ids separated by white space, commas, semicolons or pipes.</summary>
    public static IEnumerable<string> Split(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : Separators().Split(text).Where(t => t.Length > 0);

    // The alert id of a correlation id in the form Kibana's ServiceNow connectors write by default,
    // {{rule.id}}:{{alert.id}}; text without a colon is taken as the alert id itself.
    public static string FromCorrelationId(string correlationId)
    {
        var colon = correlationId.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? correlationId.Trim() : correlationId[(colon + 1)..].Trim();
    }

    [GeneratedRegex(@"[\s,;|]+", RegexOptions.CultureInvariant)]
    private static partial Regex Separators();
}

using System.Text;

namespace AssignBridge.Platform.Http;

/// <summary>Helpers for the error answers of the services the bridge calls (Kibana, Jira, ServiceNow).</summary>
internal static class ErrorBodies
{
    private const int MaxLength = 1000;

    /// <summary>Text as one line of at most 1,000 characters (control characters become spaces), for messages and logs.</summary>
    public static string Shorten(string text)
    {
        var builder = new StringBuilder(Math.Min(text.Length, MaxLength));
        foreach (var c in text)
        {
            if (builder.Length == MaxLength)
            {
                builder.Append('…');
                break;
            }

            builder.Append(char.IsControl(c) ? ' ' : c);
        }

        return builder.ToString().Trim();
    }

    /// <summary>Whether the answer is an HTML page (a proxy's or a sign-in page) rather than the service's JSON.</summary>
    public static bool IsHtml(HttpResponseMessage response) =>
        response.Content.Headers.ContentType?.MediaType is { } type && type.Contains("html", StringComparison.OrdinalIgnoreCase);
}

using System.Text;
using System.Text.Json;

namespace KibanaSimulator;

/// <summary>The request body, read once and shared by the recorder and the handler.</summary>
internal static class RequestBody
{
    private static readonly object s_key = new();

    internal static async Task<string> ReadTextAsync(HttpContext context)
    {
        if (context.Items.TryGetValue(s_key, out var cached) && cached is string text)
        {
            return text;
        }

        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        text = await reader.ReadToEndAsync(context.RequestAborted);
        context.Items[s_key] = text;
        return text;
    }

    /// <summary>
    /// Parses the body the way hapi does before Kibana's validator sees it: an empty body is
    /// <c>null</c>; anything else must be JSON. <paramref name="invalid"/> is set when it is not.
    /// Duplicate keys keep the last value, as JSON.parse does (JsonElement lookups do the same).
    /// </summary>
    internal static async Task<(JsonDocument? Document, bool Invalid)> ReadJsonAsync(HttpContext context)
    {
        var text = await ReadTextAsync(context);
        if (text.Length == 0)
        {
            return (null, false);
        }

        try
        {
            return (JsonDocument.Parse(text), false);
        }
        catch (JsonException)
        {
            return (null, true);
        }
    }
}

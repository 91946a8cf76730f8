using System.Net;
using System.Text.Json;
using System.Text;
using AssignBridge.Platform.Http;

namespace AssignBridge.Kibana;

// The one exception a failed Kibana call raises: the HTTP status (0 when Kibana never answered),
// Kibana's own message from either of its error body shapes, and whether trying again can help.
internal sealed class KibanaRequestException : Exception
{
    public KibanaRequestException(int statusCode, string kibanaMessage, bool isRetryable, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(Describe(statusCode, kibanaMessage), innerException)
    {
        StatusCode = statusCode;
        KibanaMessage = kibanaMessage;
        IsRetryable = isRetryable;
        RetryAfter = retryAfter;
    }

    public int StatusCode { get; }

    public string KibanaMessage { get; }

    public bool IsRetryable { get; }

    public TimeSpan? RetryAfter { get; }

    /// <summary>408, 409 (an update-by-query version conflict), 429 and 5xx may pass; 400, 401, 403 and 404 will not.</summary>
    public static bool IsRetryableStatus(int statusCode) =>
        statusCode is 408 or 409 or 429 || statusCode >= 500;

    public static async Task<KibanaRequestException> FromResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var message = ErrorBodies.IsHtml(response) ? HtmlPage : ParseMessage(body) ?? DefaultMessage(response.StatusCode);
        if (status == 413)
        {
            message += " (the request is too large for Kibana or a proxy in front of it: lower Kibana:MaxIdsPerRequest)";
        }

        return new KibanaRequestException(status, message, IsRetryableStatus(status), RetryAfterOf(response));
    }

    // A success status with a body that is not the answer the route gives (a proxy's sign-in page, a body cut short,
    // JSON without the expected fields): a failure that may pass, naming the route and what came back instead.
    public static KibanaRequestException NotKibanasAnswer(HttpResponseMessage response, ReadOnlySpan<byte> body, string route, string expected)
    {
        var what = ErrorBodies.IsHtml(response) ? HtmlPage
            : body.IsEmpty ? "an empty body"
            : $"{response.Content.Headers.ContentType?.MediaType ?? "a body"} that is not {expected}: {ErrorBodies.Shorten(Encoding.UTF8.GetString(body[..Math.Min(body.Length, 120)]))}";
        return new KibanaRequestException((int)response.StatusCode, $"{route} answered {(int)response.StatusCode} with {what}", isRetryable: true);
    }

    private const string HtmlPage = "an HTML page instead of Kibana's JSON (is a proxy or sign-in page in front of Kibana? check Kibana:Url)";

    // Reads both of Kibana's error shapes (kibana-api-facts.md §4): the platform (Boom) shape
    // {"statusCode","error","message":string} and the SIEM shape {"status_code","message":string|string[]}.
    // Anything else (a proxy's HTML page, say) is reduced to a short single line.
    internal static string? ParseMessage(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("message", out var message))
            {
                return message.ValueKind switch
                {
                    JsonValueKind.String => ErrorBodies.Shorten(message.GetString()!),
                    JsonValueKind.Array => ErrorBodies.Shorten(string.Join("; ", message.EnumerateArray().Select(m => m.ValueKind == JsonValueKind.String ? m.GetString() : m.GetRawText()))),
                    _ => ErrorBodies.Shorten(message.GetRawText()),
                };
            }
        }
        catch (JsonException)
        {
            // Not JSON: fall through to the text.
        }

        return ErrorBodies.Shorten(Encoding.UTF8.GetString(body));
    }

    private static string DefaultMessage(HttpStatusCode status) => status switch
    {
        HttpStatusCode.BadRequest => "Bad Request",
        HttpStatusCode.Unauthorized => "Unauthorized",
        HttpStatusCode.Forbidden => "Forbidden",
        HttpStatusCode.NotFound => "Not Found",
        HttpStatusCode.Conflict => "Conflict",
        _ => $"HTTP {(int)status}",
    };

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta;
        }

        return retryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : null;
    }

    private static string Describe(int statusCode, string kibanaMessage) =>
        statusCode == 0 ? $"Kibana did not answer: {kibanaMessage}" : $"Kibana answered {statusCode}: {kibanaMessage}";
}

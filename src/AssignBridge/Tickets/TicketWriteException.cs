using System.Globalization;

namespace AssignBridge.Tickets;

/// <summary>
/// A ticket API request failed. <see cref="Exception.Message"/> names the system, the status and the product's own error
/// text (and, for a refused credential, the secret's name); never a secret.
/// </summary>
internal sealed class TicketWriteException : Exception
{
    /// <param name="system"><c>"Jira"</c> or <c>"ServiceNow"</c>.</param>
    /// <param name="statusCode">The HTTP status; 0 when there was no answer (connection refused, timeout).</param>
    /// <param name="detail">The product's error message(s), or what went wrong when it did not answer.</param>
    /// <param name="retryAfter">How long the product asked the caller to wait.</param>
    /// <param name="hint">What the bridge adds for the operator (which secret was refused); it goes into the message only.</param>
    public TicketWriteException(string system, int statusCode, string detail, TimeSpan? retryAfter = null, string? hint = null, Exception? innerException = null)
        : base(Describe(system, statusCode, detail, hint), innerException)
    {
        System = system;
        StatusCode = statusCode;
        Detail = detail;
        IsRetryable = IsRetryableStatus(statusCode);
        RetryAfter = retryAfter;
    }

    /// <summary><c>"Jira"</c> or <c>"ServiceNow"</c>.</summary>
    public string System { get; }

    /// <summary>The HTTP status; 0 when there was no answer.</summary>
    public int StatusCode { get; }

    /// <summary>The product's error message(s) from its error body, or what went wrong when it did not answer.</summary>
    public string Detail { get; }

    /// <summary>True for no answer, 408, 429 and 5xx: the same request may pass later.</summary>
    public bool IsRetryable { get; }

    /// <summary>From <c>Retry-After</c> (seconds or an HTTP date); for Jira also <c>X-RateLimit-Reset</c> when there is no <c>Retry-After</c>.</summary>
    public TimeSpan? RetryAfter { get; }

    public static bool IsRetryableStatus(int statusCode) => statusCode is 0 or 408 or 429 || statusCode >= 500;

    /// <summary>Reads <c>Retry-After</c> as seconds or as an HTTP date (then relative to <paramref name="now"/>, never negative).</summary>
    public static TimeSpan? RetryAfterOf(HttpResponseMessage response, DateTimeOffset now)
    {
        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta;
        }

        return retryAfter?.Date is { } date ? Until(date, now) : null;
    }

    /// <summary>The time from <paramref name="now"/> until <paramref name="then"/>, zero when it has passed.</summary>
    public static TimeSpan Until(DateTimeOffset then, DateTimeOffset now) => then > now ? then - now : TimeSpan.Zero;

    private static string Describe(string system, int statusCode, string detail, string? hint)
    {
        var what = statusCode == 0
            ? $"{system} did not answer: {detail}"
            : string.Create(CultureInfo.InvariantCulture, $"{system} answered {statusCode}: {detail}");
        return hint is null ? what : $"{what} ({hint})";
    }
}

namespace AssignBridge.Tickets;

internal static class TicketUrls
{
    public static bool IsHttp(Uri uri) => uri.IsAbsoluteUri && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    /// <summary>The base address with a trailing slash, so that relative routes keep any context path.</summary>
    public static Uri WithTrailingSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");

    /// <summary>The part of <paramref name="ticketKey"/> after <c>{source}:</c>.</summary>
    /// <exception cref="ArgumentException">The key does not start with <c>{source}:</c>.</exception>
    public static string Rest(string ticketKey, string source, string shape)
    {
        ArgumentNullException.ThrowIfNull(ticketKey);
        var prefix = source + ":";
        return ticketKey.StartsWith(prefix, StringComparison.Ordinal) && ticketKey.Length > prefix.Length
            ? ticketKey[prefix.Length..]
            : throw new ArgumentException($"'{ticketKey}' is not a {source} ticket key ({shape}).", nameof(ticketKey));
    }
}

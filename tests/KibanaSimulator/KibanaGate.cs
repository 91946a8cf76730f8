using System.Collections.Frozen;
using System.Globalization;

namespace KibanaSimulator;

/// <summary>
/// The checks Kibana runs before a route handler, in Kibana's order: authentication, then the
/// core XSRF post-auth handler, then the versioned router's version resolution, then the route's
/// required privileges.
/// </summary>
internal sealed class KibanaGate(SimulatorOptions options)
{
    /// <summary>The only public version; also the default when the header is absent (facts file section 1 "Public, versioned").</summary>
    internal const string ApiVersion = "2023-10-31";

    internal const string VersionHeader = "elastic-api-version";

    // Facts file section 4, 401 row: the example body Kibana's OpenAPI spec gives for a failed authentication.
    private const string UnauthenticatedMessage =
        "[security_exception\n\tRoot causes:\n\t\tsecurity_exception: unable to authenticate user [elastic] for REST request [/_security/_authenticate]]: " +
        "unable to authenticate user [elastic] for REST request [/_security/_authenticate]";

    private readonly FrozenSet<string> _fullKeys = options.ApiKeys.ToFrozenSet(StringComparer.Ordinal);
    private readonly FrozenSet<string> _readOnlyKeys = options.ReadOnlyApiKeys.ToFrozenSet(StringComparer.Ordinal);

    internal enum Access
    {
        None,
        ReadOnly,
        AlertsAll,
    }

    internal int KeyCount => _fullKeys.Count + _readOnlyKeys.Count;

    /// <summary>Gate of a versioned public POST route. Returns the refusal, or null to go on.</summary>
    internal IResult? CheckVersionedPost(HttpContext context, string routePath, bool requiresAlertsAll)
    {
        var access = Authenticate(context);
        if (access == Access.None)
        {
            return KibanaErrors.Boom(StatusCodes.Status401Unauthorized, UnauthenticatedMessage);
        }

        // Core's XSRF handler (facts file section 1 "kbn-xsrf"): presence only, kbn-version also counts.
        var headers = context.Request.Headers;
        if (!headers.ContainsKey("kbn-xsrf") && !headers.ContainsKey("kbn-version"))
        {
            return KibanaErrors.Boom(StatusCodes.Status400BadRequest, "Request must contain a kbn-xsrf header.");
        }

        // core_versioned_route.ts: an absent (or empty) header on a public route resolves to the oldest version.
        var version = headers[VersionHeader].FirstOrDefault();
        if (!string.IsNullOrEmpty(version) && version != ApiVersion)
        {
            return KibanaErrors.Boom(StatusCodes.Status400BadRequest, IsDate(version)
                ? $"No version \"{version}\" available for [post] [{routePath}]. Available versions are: [{ApiVersion}]"
                : $"Invalid version. Received \"{version}\", expected a valid date string formatted as YYYY-MM-DD.");
        }

        // Facts file section 1 "Required privileges": newest Kibana needs alerts-all (the 403 text is section 4's).
        if (requiresAlertsAll && access != Access.AlertsAll)
        {
            return KibanaErrors.Boom(
                StatusCodes.Status403Forbidden,
                $"API [POST {routePath}] is unauthorized for user, this action is granted by the Kibana privileges [alerts-all]");
        }

        // Public routes answer with the version they served (facts file section 1 "Public, versioned").
        context.Response.Headers[VersionHeader] = ApiVersion;
        return null;
    }

    /// <summary>Gate of an unversioned GET route: authentication only.</summary>
    internal IResult? CheckAuthenticated(HttpContext context) =>
        Authenticate(context) == Access.None
            ? KibanaErrors.Boom(StatusCodes.Status401Unauthorized, UnauthenticatedMessage)
            : null;

    // `Authorization: ApiKey <value>`; the scheme is case-insensitive (facts file section 4 "Authorization header").
    private Access Authenticate(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.FirstOrDefault();
        if (header is null)
        {
            return Access.None;
        }

        var space = header.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0 || !header[..space].Equals("ApiKey", StringComparison.OrdinalIgnoreCase))
        {
            return Access.None;
        }

        var key = header[(space + 1)..].Trim();
        return _fullKeys.Contains(key) ? Access.AlertsAll
            : _readOnlyKeys.Contains(key) ? Access.ReadOnly
            : Access.None;
    }

    // route_version_utils.ts: /^\d{4}-\d{2}-\d{2}$/ and a real calendar date.
    private static bool IsDate(string version) =>
        version.Length == 10 &&
        DateOnly.TryParseExact(version, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
}

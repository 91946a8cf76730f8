using System.Text.Json.Serialization;

namespace KibanaSimulator;

/// <summary>
/// <c>GET /internal/detection_engine/users/_find</c> as Kibana's <c>suggest_user_profiles_route.ts</c> has it
/// (facts file section 3a): an internal, versioned route (version <c>1</c>) that needs the
/// <c>x-elastic-internal-origin</c> header (or the <c>elasticInternalOrigin</c> query parameter) when
/// <c>server.restrictInternalApis</c> is on, matches <c>searchTerm</c> against username, full name and email, and
/// answers at most 10 profiles (the security service's default) as a bare JSON array.
/// </summary>
internal static class UsersEndpoint
{
    internal const string Path = "/internal/detection_engine/users/_find";
    internal const string InternalOriginHeader = "x-elastic-internal-origin";
    internal const string InternalVersion = "1";

    /// <summary>DEFAULT_SUGGESTIONS_COUNT of the security plugin's user-profile service.</summary>
    internal const int DefaultSuggestions = 10;

    internal static IResult Handle(HttpContext context, KibanaGate gate, KibanaState state, string? searchTerm)
    {
        // Old Kibana versions have no such route: hapi answers the Boom 404 before authentication.
        if (!state.UserProfilesRouteAvailable)
        {
            return KibanaErrors.NotFound();
        }

        if (gate.CheckAuthenticated(context) is { } refusal)
        {
            return refusal;
        }

        // createRestrictInternalRoutesPostAuthHandler (lifecycle_handlers.ts): presence only.
        if (!context.Request.Headers.ContainsKey(InternalOriginHeader) && !context.Request.Query.ContainsKey("elasticInternalOrigin"))
        {
            return KibanaErrors.Boom(StatusCodes.Status400BadRequest,
                $"uri [{Path}] with method [get] exists but is not available with the current configuration");
        }

        // Internal versioned routes default to version 1 when the header is absent.
        var version = context.Request.Headers[KibanaGate.VersionHeader].FirstOrDefault();
        if (!string.IsNullOrEmpty(version) && version != InternalVersion)
        {
            return KibanaErrors.Boom(StatusCodes.Status400BadRequest,
                $"No version \"{version}\" available for [get] [{Path}]. Available versions are: [{InternalVersion}]");
        }

        context.Response.Headers[KibanaGate.VersionHeader] = InternalVersion;
        var profiles = state.FindUserProfiles(searchTerm, DefaultSuggestions);
        return TypedResults.Json(profiles, SimulatorJsonContext.Wire.IReadOnlyListUserProfilePayload);
    }
}

/// <summary>Kibana's <c>UserProfile</c> as the route returns it; <c>email</c> and <c>full_name</c> are left out when null.</summary>
public sealed record UserProfilePayload(
    [property: JsonPropertyName("uid")] string Uid,
    [property: JsonPropertyName("enabled")] bool Enabled,
    [property: JsonPropertyName("user")] UserProfileUser User,
    [property: JsonPropertyName("data")] UserProfileData Data);

public sealed record UserProfileUser(
    [property: JsonPropertyName("username")] string Username,
    [property: JsonPropertyName("email"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Email,
    [property: JsonPropertyName("full_name"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? FullName);

/// <summary>The route asks for <c>dataPath: 'avatar'</c>; the simulator has no avatars, so this is always empty.</summary>
public sealed record UserProfileData();

using AssignBridge.Audit;
using AssignBridge.Delivery;
using AssignBridge.People;
using AssignBridge.Platform.Security;
using AssignBridge.Platform.Storage;
using Azure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AssignBridge.Admin;

// The one guard of every /api/manage route: a token of Admin:Tokens (separate from the assignment tokens;
// a list labelled "admin", or named, Admin:Tokens:alice, labelled "alice"), then storage failures as 503.
internal static class AdminAccess
{
    public const string Scheme = "AdminToken";
    public const string DefaultLabel = "admin";

    public static AuthenticationBuilder AddAdminTokens(this AuthenticationBuilder authentication) =>
        authentication.AddBearerTokens(Scheme, $"{AdminOptions.SectionName}:{AdminOptions.TokensKey}", DefaultLabel, (logger, check) => Log.AdminUnauthorized(logger, check));

    /// <summary>The standalone app's admin routes: the token by the authorization middleware, then <see cref="GuardedAsync"/> around the handler.</summary>
    public static RouteGroupBuilder RequireAdmin(this RouteGroupBuilder group)
    {
        group.RequireAuthorization(Scheme).AddEndpointFilter(async (invocation, next) => await GuardedAsync(invocation.HttpContext, async () => await next(invocation), authenticated: true));
        return group;
    }

    // Runs an admin route: the token first (a generic 401; the reason goes to the log) unless the middleware checked
    // it, then the route, answering 503 when storage fails. The functions call it directly.
    public static async Task<object?> GuardedAsync(HttpContext context, Func<Task<object?>> next, bool authenticated = false)
    {
        if (!authenticated && await BearerTokenScheme.RefuseUnlessAuthenticatedAsync(context, Scheme) is { } refusal)
        {
            return refusal;
        }

        try
        {
            return await next();
        }
        catch (Exception exception) when (exception is PeopleUnavailableException or JournalUnavailableException or AuditUnavailableException
            || StorageGuard.Reason(exception, context.RequestAborted) is not null)
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AdminAccess).FullName!);
            Log.AdminStorageFailed(logger, (exception as RequestFailedException)?.Status ?? 0, (exception as RequestFailedException)?.ErrorCode);
            context.Response.Headers.RetryAfter = "30";
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Storage unavailable",
                detail: "The tables could not be read or written. Try again later; the request may be sent again safely.");
        }
    }

    /// <summary>Who an admin write is stamped with: <c>admin-api:&lt;token label&gt;</c>.</summary>
    public static string UpdatedBy(HttpContext context) => $"admin-api:{context.User.Identity?.Name ?? DefaultLabel}";
}

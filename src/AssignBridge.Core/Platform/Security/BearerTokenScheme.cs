using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AssignBridge.Platform.Security;

/// <summary>One bearer-token scheme: the setting holding its tokens, the label of unnamed ones, what a refused caller is told and where that is logged.</summary>
internal sealed class BearerTokenSchemeOptions : AuthenticationSchemeOptions
{
    public string TokensSetting { get; set; } = "";

    public string DefaultLabel { get; set; } = "";

    public string RefusedDetail { get; set; } = "";

    public Action<ILogger, string> LogRefused { get; set; } = (_, _) => { };

    internal BearerTokens? Tokens { get; set; }
}

/// <summary>
/// Tokens from configuration as an ASP.NET Core authentication scheme: the caller's name is the label of the token it
/// sent. A refusal is a 401 problem naming the setting, never which check failed (that goes to the log).
/// </summary>
// Hand-written handler: ASP.NET Core's bearer schemes validate issued tokens (JWT, the BearerToken scheme's own
// format); none compares against a configured list in constant time, which BearerTokens does.
internal sealed class BearerTokenHandler(IOptionsMonitor<BearerTokenSchemeOptions> options, ILoggerFactory loggerFactory, UrlEncoder encoder)
    : AuthenticationHandler<BearerTokenSchemeOptions>(options, loggerFactory, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var check = Options.Tokens!.Verify(Request.Headers.Authorization, out var label);
        return Task.FromResult(check == SignatureCheck.Valid
            ? AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, label!)], Scheme.Name)), Scheme.Name))
            : AuthenticateResult.Fail(check.ToString()));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Options.LogRefused(Logger, result.Failure?.Message ?? nameof(SignatureCheck.Missing));
        Response.Headers.WWWAuthenticate = "Bearer";
        await TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: Options.RefusedDetail).ExecuteAsync(Context);
    }
}

internal static class BearerTokenScheme
{
    /// <summary>Adds a scheme of tokens read from <paramref name="tokensSetting"/>.</summary>
    public static AuthenticationBuilder AddBearerTokens(this AuthenticationBuilder builder, string scheme, string tokensSetting, string defaultLabel, Action<ILogger, string> logRefused)
    {
        builder.Services.AddOptions<BearerTokenSchemeOptions>(scheme).PostConfigure<IConfiguration>((options, configuration) =>
            options.Tokens = new BearerTokens(configuration, options.TokensSetting, options.DefaultLabel));
        return builder.AddScheme<BearerTokenSchemeOptions, BearerTokenHandler>(scheme, options =>
        {
            options.TokensSetting = tokensSetting;
            options.DefaultLabel = defaultLabel;
            options.RefusedDetail = $"Send Authorization: Bearer <token> with a token configured in {tokensSetting}.";
            options.LogRefused = logRefused;
        });
    }

    /// <summary>
    /// A policy per scheme, of the scheme's name, requiring its token: for routes mapped with <c>RequireAuthorization</c>.
    /// Only the standalone app registers them: authorization needs routing's endpoints, which the CLI's host and the
    /// Functions worker do not build (and in Development a service that cannot be built stops the start).
    /// </summary>
    public static IServiceCollection AddBearerTokenPolicies(this IServiceCollection services, params string[] schemes)
    {
        var authorization = services.AddAuthorizationBuilder();
        foreach (var scheme in schemes)
        {
            authorization.AddPolicy(scheme, policy => policy.AddAuthenticationSchemes(scheme).RequireAuthenticatedUser());
        }

        return services;
    }

    /// <summary>
    /// The same check for a function, which no authorization middleware runs before: null when the caller holds a
    /// token of <paramref name="scheme"/> (then <see cref="HttpContext.User"/> is set), otherwise the 401 to answer.
    /// </summary>
    public static async Task<IResult?> RefuseUnlessAuthenticatedAsync(HttpContext context, string scheme)
    {
        var result = await context.AuthenticateAsync(scheme);
        if (result.Succeeded)
        {
            context.User = result.Principal;
            return null;
        }

        return TypedResults.Challenge(authenticationSchemes: [scheme]);
    }
}

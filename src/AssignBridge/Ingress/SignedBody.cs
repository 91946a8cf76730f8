using AssignBridge.Platform.Http;
using AssignBridge.Platform.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AssignBridge.Ingress;

/// <summary>How one signed route starts: its body bound (and the setting that holds it), and where its refusals are logged.</summary>
/// <param name="Unauthorized">Logs a failed check: what it found and by which credential.</param>
internal sealed record SignedRoute(int MaxBodyBytes, string Setting, Action<string> BadRequest, Action<string, string> Unauthorized);

/// <summary>The raw body and the credential that verified it, or the refusal to answer (then <see cref="Body"/> is what was read, if anything).</summary>
internal sealed record SignedBody(byte[]? Body, string Via, ProblemHttpResult? Refusal)
{
    /// <summary>
    /// The start every webhook and chat route shares: read the body within its bound, then check its signature or
    /// secret on the raw bytes, before anything parses it. 413 over the bound, 401 when the check fails.
    /// </summary>
    public static async Task<SignedBody> ReadAsync(HttpRequest request, SignedRoute route, Func<byte[], (SignatureCheck Check, string Via)> verify, CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadAsync(request, route.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            route.BadRequest($"body over {route.Setting}");
            return new SignedBody(null, string.Empty, WebhookResults.TooLarge(route.MaxBodyBytes, route.Setting));
        }

        var (check, via) = verify(body);
        if (check != SignatureCheck.Valid)
        {
            route.Unauthorized(check.ToString(), via);
            return new SignedBody(body, via, WebhookResults.Unauthorized());
        }

        return new SignedBody(body, via, null);
    }
}

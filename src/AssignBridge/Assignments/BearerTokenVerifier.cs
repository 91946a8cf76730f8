using AssignBridge.Security;

namespace AssignBridge.Assignments;

/// <summary>
/// Checks <c>Authorization: Bearer …</c> on <c>POST /api/assignments</c> against the tokens in
/// <c>Assignments:Tokens</c> (several, so a token can be rotated without downtime). Constant time; fails closed
/// when no token is configured. Never throws.
/// </summary>
internal sealed class BearerTokenVerifier
{
    public const string TokensSetting = "Assignments:Tokens";

    private readonly string[] _tokens;

    public BearerTokenVerifier(IConfiguration configuration)
    {
        var section = configuration.GetSection(TokensSetting);
        _tokens = [.. section.GetChildren().Select(c => c.Value).Append(section.Value).Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t!.Trim())];
    }

    public SignatureCheck Verify(string? authorization)
    {
        if (_tokens.Length == 0)
        {
            return SignatureCheck.NotConfigured;
        }

        const string scheme = "Bearer ";
        if (string.IsNullOrEmpty(authorization) || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return SignatureCheck.Missing;
        }

        var token = authorization.AsSpan(scheme.Length).Trim();
        return token.IsEmpty ? SignatureCheck.Missing
            : SecretComparer.MatchesAny(token, _tokens) ? SignatureCheck.Valid
            : SignatureCheck.Mismatch;
    }
}

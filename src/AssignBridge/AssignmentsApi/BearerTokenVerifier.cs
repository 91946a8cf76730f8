using AssignBridge.Platform.Security;








namespace AssignBridge.AssignmentsApi;

/// <summary>
/// Checks <c>Authorization: Bearer …</c> on <c>POST /api/assignments</c> against the tokens in
/// <c>Assignments:Tokens</c> (several, so a token can be rotated without downtime). Constant time; fails closed
/// when no token is configured. Never throws.
/// </summary>
internal sealed class BearerTokenVerifier(IConfiguration configuration)
{
    public const string TokensSetting = "Assignments:Tokens";

    private readonly BearerTokens _tokens = new(configuration, TokensSetting, "api");

    public SignatureCheck Verify(string? authorization) => _tokens.Verify(authorization, out _);
}

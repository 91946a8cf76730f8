using AssignBridge.Platform.Security;








namespace AssignBridge.Admin;

/// <summary>
/// Checks <c>Authorization: Bearer …</c> on <c>/api/manage/people</c> against <c>Admin:Tokens</c>, separate from the
/// assignment tokens. Tokens are a list (<c>Admin:Tokens:0</c>, labelled "admin") or named
/// (<c>Admin:Tokens:alice</c>, labelled "alice"); the label goes into <c>UpdatedBy</c>. Constant time: every token is
/// compared whatever matched. Fails closed when none is configured. Never throws.
/// </summary>
internal sealed class AdminTokenVerifier
{
    public const string TokensSetting = "Admin:Tokens";
    public const string DefaultLabel = "admin";

    private readonly BearerTokens _tokens;

    public AdminTokenVerifier(IConfiguration configuration) => _tokens = new BearerTokens(configuration, TokensSetting, DefaultLabel);

    public SignatureCheck Verify(string? authorization, out string? label) => _tokens.Verify(authorization, out label);
}

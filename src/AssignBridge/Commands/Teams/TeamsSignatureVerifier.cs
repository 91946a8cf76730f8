using AssignBridge.Platform.Security;









namespace AssignBridge.Commands.Teams;

/// <summary>
/// Verifies a Teams outgoing webhook: <c>Authorization: HMAC base64(HMAC-SHA256(base64decode(security token), raw body))</c>.
/// Every token in <c>Teams:SecurityTokens</c> is tried (rotation, or several teams' webhooks), in constant time. Teams
/// signs no timestamp, so there is no replay window: redeliveries are recognised by the activity id in the journal.
/// Fails closed when no token is configured (a token that is not base64 counts as none); never throws.
/// </summary>
/// <remarks>Spec: https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/add-outgoing-webhook (reference/webhook-sources.md §5).</remarks>
internal sealed class TeamsSignatureVerifier
{
    public const string TokensSetting = $"{TeamsOptions.SectionName}:{TeamsOptions.SecurityTokensKey}";
    private const string Scheme = "HMAC ";

    private readonly byte[][] _keys;

    public TeamsSignatureVerifier(IConfiguration configuration)
        : this(ConfiguredSecrets.Read(configuration, TokensSetting))
    {
    }

    public TeamsSignatureVerifier(IEnumerable<string> securityTokens)
    {
        _keys = [.. securityTokens.Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => Signatures.FromBase64(t.Trim())).OfType<byte[]>().Where(k => k.Length > 0)];
    }

    public SignatureCheck Verify(string? authorization, ReadOnlySpan<byte> body)
    {
        if (_keys.Length == 0)
        {
            return SignatureCheck.NotConfigured;
        }

        if (string.IsNullOrEmpty(authorization) || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return SignatureCheck.Missing;
        }

        return Signatures.FromBase64(authorization[Scheme.Length..].Trim()) is { Length: > 0 } presented
            && Signatures.MatchesAny(presented, body, _keys)
            ? SignatureCheck.Valid
            : SignatureCheck.Mismatch;
    }

    /// <summary>The header Teams would send for <paramref name="body"/>; for tests and local tools.</summary>
    public static string Sign(string securityToken, ReadOnlySpan<byte> body) => SenderSignatures.Teams(securityToken, body);
}

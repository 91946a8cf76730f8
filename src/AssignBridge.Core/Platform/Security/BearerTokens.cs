namespace AssignBridge.Platform.Security;

/// <summary>
/// The bearer tokens of one setting (several, so a token can be rotated without downtime), each with a label: its
/// name when the setting names them (<c>Admin__Tokens__alice</c>), otherwise the default label. Checked in
/// constant time against digests made once; fails closed when none is configured. Never throws.
/// </summary>
internal sealed class BearerTokens
{
    private const string Scheme = "Bearer ";

    private readonly string[] _labels;
    private readonly byte[][] _digests;

    public BearerTokens(IConfiguration configuration, string setting, string defaultLabel)
    {
        var section = configuration.GetSection(setting);
        var tokens = section.GetChildren()
            .Select(c => (Label: int.TryParse(c.Key, out _) ? defaultLabel : c.Key, Token: c.Value))
            .Append((Label: defaultLabel, Token: section.Value))
            .Where(t => !string.IsNullOrWhiteSpace(t.Token))
            .ToList();
        _labels = [.. tokens.Select(t => t.Label)];
        _digests = [.. tokens.Select(t => SecretComparer.Digest(t.Token.AsSpan().Trim()))];
    }

    /// <summary>The token of <c>Authorization: Bearer &lt;token&gt;</c>, trimmed; false when there is none.</summary>
    public static bool TryRead(string? authorization, out ReadOnlySpan<char> token)
    {
        token = default;
        if (string.IsNullOrEmpty(authorization) || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        token = authorization.AsSpan(Scheme.Length).Trim();
        return !token.IsEmpty;
    }

    public SignatureCheck Verify(string? authorization, out string? label)
    {
        label = null;
        if (_digests.Length == 0)
        {
            return SignatureCheck.NotConfigured;
        }

        if (!TryRead(authorization, out var token))
        {
            return SignatureCheck.Missing;
        }

        var match = SecretComparer.IndexOfAny(token, _digests);
        label = match >= 0 ? _labels[match] : null;
        return match >= 0 ? SignatureCheck.Valid : SignatureCheck.Mismatch;
    }
}

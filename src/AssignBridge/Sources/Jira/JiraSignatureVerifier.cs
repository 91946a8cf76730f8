using System.Text;
using AssignBridge.Platform.Security;

namespace AssignBridge.Sources.Jira;

/// <summary>How a Jira delivery proved where it came from.</summary>
internal enum JiraAuth
{
    None,

    /// <summary>An admin webhook (Cloud or Data Center) with a secret: <c>X-Hub-Signature: sha256=&lt;hex&gt;</c>.</summary>
    Signature,

    /// <summary>Jira Automation "Send web request": a shared secret in a (Hidden) header; Automation cannot sign.</summary>
    SharedSecret,
}

/// <summary>
/// Verifies Jira deliveries on the raw body, in constant time, against every configured secret (rotation):
/// admin webhooks by their HMAC-SHA256 signature (https://developer.atlassian.com/cloud/jira/platform/webhooks/#secure-admin-webhooks,
/// WebSub <c>method=signature</c>; only <c>sha256</c> is accepted, as Atlassian may change the method), Jira Automation by a
/// shared-secret header (or <c>Authorization: Bearer</c>). Fails closed: with no secret configured nothing is accepted. Never throws.
/// </summary>
internal sealed class JiraSignatureVerifier
{
    public const string SecretsSetting = $"{JiraOptions.SectionName}:{JiraOptions.SecretsKey}";
    public const string AutomationSecretsSetting = $"{JiraOptions.SectionName}:{JiraOptions.AutomationSecretsKey}";
    public const string SignatureHeader = "X-Hub-Signature";

    private readonly byte[][] _hmacKeys;
    private readonly byte[][] _sharedSecrets; // digests (SecretComparer)
    private readonly TimeProvider _time;

    public JiraSignatureVerifier(IConfiguration configuration, TimeProvider time)
    {
        _hmacKeys = [.. ConfiguredSecrets.Read(configuration, SecretsSetting).Select(Encoding.UTF8.GetBytes)];
        _sharedSecrets = [.. ConfiguredSecrets.Read(configuration, AutomationSecretsSetting).Select(s => SecretComparer.Digest(s))];
        _time = time;
    }

    /// <summary>A signature header value for <paramref name="body"/>, as Jira computes it (for tests and tooling).</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body) => SenderSignatures.Jira(secret, body);

    public (SignatureCheck Check, JiraAuth Via) Verify(ReadOnlySpan<byte> body, string? signature, string? sharedSecret, string? authorization)
    {
        if (!string.IsNullOrEmpty(signature))
        {
            return (VerifySignature(body, signature), JiraAuth.Signature);
        }

        if (string.IsNullOrEmpty(sharedSecret) && BearerTokens.TryRead(authorization, out var bearer))
        {
            sharedSecret = bearer.ToString();
        }

        if (!string.IsNullOrWhiteSpace(sharedSecret))
        {
            return (_sharedSecrets.Length == 0 ? SignatureCheck.NotConfigured
                : SecretComparer.IndexOfAny(sharedSecret.AsSpan().Trim(), _sharedSecrets) >= 0 ? SignatureCheck.Valid
                : SignatureCheck.Mismatch, JiraAuth.SharedSecret);
        }

        return (_hmacKeys.Length == 0 && _sharedSecrets.Length == 0 ? SignatureCheck.NotConfigured : SignatureCheck.Missing, JiraAuth.None);
    }

    /// <summary>
    /// Replay protection on the delivery's own (signed) <c>timestamp</c>, epoch milliseconds: too old, or more than five
    /// minutes ahead, is <see cref="SignatureCheck.Expired"/>. A delivery without one relies on the journal's dedupe alone.
    /// </summary>
    public SignatureCheck CheckFreshness(long? timestampMilliseconds, TimeSpan window)
    {
        if (timestampMilliseconds is not { } ms)
        {
            return SignatureCheck.Valid;
        }

        if (ms is < 0 or > 253_402_300_799_999)
        {
            return SignatureCheck.Expired;
        }

        var age = _time.GetUtcNow() - DateTimeOffset.FromUnixTimeMilliseconds(ms);
        return age > window || age < -TimeSpan.FromMinutes(5) ? SignatureCheck.Expired : SignatureCheck.Valid;
    }

    private SignatureCheck VerifySignature(ReadOnlySpan<byte> body, string header)
    {
        if (_hmacKeys.Length == 0)
        {
            return SignatureCheck.NotConfigured;
        }

        var separator = header.IndexOf('=', StringComparison.Ordinal);
        if (separator <= 0 || !header.AsSpan(0, separator).Trim().Equals("sha256", StringComparison.OrdinalIgnoreCase))
        {
            return SignatureCheck.Mismatch;
        }

        var presented = Signatures.FromHex(header.AsSpan(separator + 1).Trim());
        return presented is { Length: 32 } && Signatures.MatchesAny(presented, body, _hmacKeys) ? SignatureCheck.Valid : SignatureCheck.Mismatch;
    }
}

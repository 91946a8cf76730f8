using System.Globalization;
using System.Text;
using AssignBridge.Platform.Security;

namespace AssignBridge.Sources.ServiceNow;

internal enum ServiceNowAuth
{
    None,

    /// <summary><c>X-AssignBridge-Signature: sha256=&lt;base64 HMAC-SHA256 of the body&gt;</c>: the secret never travels.</summary>
    Signature,

    /// <summary><c>X-AssignBridge-Secret: &lt;secret&gt;</c>.</summary>
    SharedSecret,
}

/// <summary>
/// Verifies ServiceNow deliveries (the contract in docs/senders/servicenow.md): an HMAC-SHA256 of the raw body in base64, as
/// <c>GlideCertificateEncryption.generateMac(…, "HmacSHA256", body)</c> produces it, or the secret itself in a header;
/// constant time, every configured secret tried (rotation), closed when none is configured. Never throws.
/// </summary>
internal sealed class ServiceNowVerifier
{
    public const string SecretsSetting = $"{ServiceNowOptions.SectionName}:{ServiceNowOptions.SecretsKey}";
    public const string SignatureHeader = "X-AssignBridge-Signature";
    public const string SecretHeader = "X-AssignBridge-Secret";

    private readonly byte[][] _secretDigests; // for the shared-secret header (SecretComparer)
    private readonly byte[][] _keys;
    private readonly TimeProvider _time;

    public ServiceNowVerifier(IConfiguration configuration, TimeProvider time)
    {
        var secrets = ConfiguredSecrets.Read(configuration, SecretsSetting);
        _keys = [.. secrets.Select(Encoding.UTF8.GetBytes)];
        _secretDigests = [.. secrets.Select(s => SecretComparer.Digest(s))];
        _time = time;
    }

    /// <summary>The signature header value for <paramref name="body"/>, as the shipped Business Rule computes it (for tests and tooling).</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body) => SenderSignatures.ServiceNow(secret, body);

    public (SignatureCheck Check, ServiceNowAuth Via) Verify(ReadOnlySpan<byte> body, string? signature, string? secret)
    {
        if (_keys.Length == 0)
        {
            return (SignatureCheck.NotConfigured, string.IsNullOrEmpty(signature) ? string.IsNullOrEmpty(secret) ? ServiceNowAuth.None : ServiceNowAuth.SharedSecret : ServiceNowAuth.Signature);
        }

        if (!string.IsNullOrEmpty(signature))
        {
            var value = signature.Trim();
            if (value.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase))
            {
                value = value["sha256=".Length..];
            }

            var presented = Signatures.FromBase64(value);
            return (presented is { Length: 32 } && Signatures.MatchesAny(presented, body, _keys) ? SignatureCheck.Valid : SignatureCheck.Mismatch, ServiceNowAuth.Signature);
        }

        if (!string.IsNullOrWhiteSpace(secret))
        {
            return (SecretComparer.IndexOfAny(secret.AsSpan().Trim(), _secretDigests) >= 0 ? SignatureCheck.Valid : SignatureCheck.Mismatch, ServiceNowAuth.SharedSecret);
        }

        return (SignatureCheck.Missing, ServiceNowAuth.None);
    }

    /// <summary>Replay protection on the body's own time (<c>sent_at</c>, else <c>sys_updated_on</c>); no time means the journal's dedupe alone.</summary>
    public SignatureCheck CheckFreshness(DateTimeOffset? sentAt, TimeSpan window)
    {
        if (sentAt is not { } at)
        {
            return SignatureCheck.Valid;
        }

        var age = _time.GetUtcNow() - at;
        return age > window || age < -TimeSpan.FromMinutes(5) ? SignatureCheck.Expired : SignatureCheck.Valid;
    }

    /// <summary>ServiceNow's internal date-time (<c>GlideDateTime.getValue()</c>, UTC, <c>yyyy-MM-dd HH:mm:ss</c>) or ISO 8601.</summary>
    public static DateTimeOffset? ParseTime(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null
        : DateTimeOffset.TryParseExact(text.Trim(), "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var glide) ? glide
        : DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var iso) ? iso
        : null;
}

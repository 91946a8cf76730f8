using System.Globalization;
using System.Text;
using AssignBridge.Platform.Security;

namespace AssignBridge.Commands.Slack;

/// <summary>
/// Verifies Slack's request signature: <c>X-Slack-Signature: v0=hex(HMAC-SHA256(signing secret, "v0:" + timestamp + ":" + raw body))</c>
/// with <c>X-Slack-Request-Timestamp</c> no more than five minutes from now, either way. Every secret in
/// <c>Slack:SigningSecrets</c> is tried (rotation), in constant time. Fails closed when none is configured; never throws.
/// </summary>
/// <remarks>Spec: https://api.slack.com/authentication/verifying-requests-from-slack (reference/webhook-sources.md §4).</remarks>
internal sealed class SlackSignatureVerifier
{
    public const string SecretsSetting = $"{SlackOptions.SectionName}:{SlackOptions.SigningSecretsKey}";
    public const string SignatureHeader = "X-Slack-Signature";
    public const string TimestampHeader = "X-Slack-Request-Timestamp";
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    private const string Version = "v0";
    private readonly byte[][] _secrets;
    private readonly TimeProvider _time;

    public SlackSignatureVerifier(IConfiguration configuration, TimeProvider time)
        : this(ConfiguredSecrets.Read(configuration, SecretsSetting), time)
    {
    }

    public SlackSignatureVerifier(IEnumerable<string> secrets, TimeProvider time)
    {
        _secrets = [.. secrets.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => Encoding.UTF8.GetBytes(s.Trim()))];
        _time = time;
    }

    public SignatureCheck Verify(string? timestamp, string? signature, ReadOnlySpan<byte> body)
    {
        if (_secrets.Length == 0)
        {
            return SignatureCheck.NotConfigured;
        }

        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature))
        {
            return SignatureCheck.Missing;
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > 253_402_300_799)
        {
            return SignatureCheck.Mismatch;
        }

        var age = _time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (age > Tolerance || age < -Tolerance)
        {
            return SignatureCheck.Expired;
        }

        if (!signature.StartsWith(Version + "=", StringComparison.Ordinal) || Signatures.FromHex(signature.AsSpan(Version.Length + 1)) is not { } presented)
        {
            return SignatureCheck.Mismatch;
        }

        return Signatures.MatchesAny(presented, SenderSignatures.SlackBaseString(timestamp, body), _secrets) ? SignatureCheck.Valid : SignatureCheck.Mismatch;
    }

    /// <summary>The header Slack would send for <paramref name="body"/>; for tests and local tools.</summary>
    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body) => SenderSignatures.Slack(secret, timestamp, body);
}

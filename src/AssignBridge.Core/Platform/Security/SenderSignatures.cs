using System.Text;

namespace AssignBridge.Platform.Security;

/// <summary>
/// How each sender spells the HMAC-SHA256 of a delivery: which bytes it signs and how the header writes the MAC.
/// The verifiers compare against these; tests and the CLI's <c>send</c> sign with them (reference/webhook-sources.md).
/// </summary>
internal static class SenderSignatures
{
    private const string SlackVersion = "v0";

    /// <summary>Jira admin webhooks (WebSub): <c>X-Hub-Signature: sha256=&lt;hex HMAC of the raw body&gt;</c>, keyed with the secret's UTF-8 bytes.</summary>
    public static string Jira(string secret, ReadOnlySpan<byte> body) =>
        "sha256=" + Convert.ToHexStringLower(Signatures.HmacSha256(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>The ServiceNow Business Rule (docs/servicenow.md): <c>sha256=&lt;base64 HMAC of the raw body&gt;</c>, as <c>GlideCertificateEncryption.generateMac</c> gives it.</summary>
    public static string ServiceNow(string secret, ReadOnlySpan<byte> body) =>
        "sha256=" + Convert.ToBase64String(Signatures.HmacSha256(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>Slack: <c>X-Slack-Signature: v0=&lt;hex HMAC of "v0:" + timestamp + ":" + raw body&gt;</c>, the timestamp being <c>X-Slack-Request-Timestamp</c>.</summary>
    public static string Slack(string signingSecret, string timestamp, ReadOnlySpan<byte> body) =>
        SlackVersion + "=" + Convert.ToHexStringLower(Signatures.HmacSha256(Encoding.UTF8.GetBytes(signingSecret), SlackBaseString(timestamp, body)));

    /// <summary>The bytes Slack signs: <c>v0:{timestamp}:{raw body}</c>.</summary>
    public static byte[] SlackBaseString(string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{SlackVersion}:{timestamp}:");
        var all = new byte[prefix.Length + body.Length];
        prefix.CopyTo(all, 0);
        body.CopyTo(all.AsSpan(prefix.Length));
        return all;
    }

    /// <summary>Teams outgoing webhooks: <c>Authorization: HMAC &lt;base64 HMAC of the raw body&gt;</c>, keyed with the base64-decoded security token.</summary>
    public static string Teams(string securityToken, ReadOnlySpan<byte> body) =>
        "HMAC " + Convert.ToBase64String(Signatures.HmacSha256(Convert.FromBase64String(securityToken), body));
}

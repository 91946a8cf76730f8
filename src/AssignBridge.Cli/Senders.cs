using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using AssignBridge.Platform.Security;
using Microsoft.Extensions.Configuration;

namespace AssignBridge.Cli;

/// <summary>A delivery ready to post, and how it was signed (named by header and setting, never by value).</summary>
internal sealed record SignedDelivery(HttpRequestMessage Request, string SignedWith);

/// <summary>
/// One sender <c>send</c> imitates: the route it posts to, the extension of its samples, and how it makes and signs
/// a delivery (reference/webhook-sources.md; the bridge's verifiers check the same with <see cref="SenderSignatures"/>).
/// </summary>
internal abstract class Sender(string name, string route, string extension, string description)
{
    public string Name => name;

    public string Route => route;

    /// <summary><c>.json</c>, or <c>.txt</c> for a form body.</summary>
    public string Extension => extension;

    public string Description => description;

    /// <summary>Makes the delivery for <paramref name="sample"/>; null with <paramref name="problem"/> when it cannot be signed.</summary>
    public abstract SignedDelivery? Prepare(SendRequest send, out string? problem);

    /// <summary>The first secret of a setting (several are configured while one is rotated); null with a problem naming the setting.</summary>
    protected static string? Secret(IConfiguration configuration, string setting, out string? problem)
    {
        var secrets = ConfiguredSecrets.Read(configuration, setting);
        problem = secrets.Length > 0 ? null
            : $"No secret is configured in {setting}: set {setting.Replace(":", "__", StringComparison.Ordinal)}__0 to the value the bridge holds, or use the Development settings (--environment Development).";
        return secrets.Length > 0 ? secrets[0] : null;
    }

    protected static HttpRequestMessage Post(string route, byte[] body, string contentType, string userAgent)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, route.TrimStart('/')) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        return request;
    }

    protected static string NewId() => Guid.NewGuid().ToString();
}

/// <summary>What to send: the sample's name and bytes, the settings holding the secrets, the time, and a delivery id to use instead of a fresh one.</summary>
internal sealed record SendRequest(string SampleName, byte[] Body, IConfiguration Configuration, DateTimeOffset Now, string? DeliveryId, bool JiraAutomation);

internal static class Senders
{
    public static readonly IReadOnlyList<Sender> All = [new JiraSender(), new ServiceNowSender(), new SlackSender(), new TeamsSender(), new AssignmentsSender()];

    public static Sender? Find(string name) => All.FirstOrDefault(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// Jira Cloud admin webhooks sign the body (<c>X-Hub-Signature</c>) and name each delivery
/// (<c>X-Atlassian-Webhook-Identifier</c>); Jira Automation's "Send web request" signs nothing and carries a shared
/// secret in a header of the rule's choosing. Both stamp <c>timestamp</c> (epoch milliseconds) when the body has it.
/// </summary>
internal sealed class JiraSender() : Sender("jira", "/api/webhooks/jira", ".json", "Jira Cloud admin webhook (X-Hub-Signature), or Jira Automation for samples named automation*")
{
    public const string SecretsSetting = "Jira:Secrets";
    public const string AutomationSecretsSetting = "Jira:AutomationSecrets";
    public const string AutomationHeaderSetting = "Jira:AutomationSecretHeader";
    public const string DefaultAutomationHeader = "X-Automation-Secret";
    public const string SignatureHeader = "X-Hub-Signature";
    public const string IdentifierHeader = "X-Atlassian-Webhook-Identifier";

    public static bool IsAutomation(string sampleName) => sampleName.StartsWith("automation", StringComparison.OrdinalIgnoreCase);

    public override SignedDelivery? Prepare(SendRequest send, out string? problem)
    {
        var body = BodyStamps.Json(send.Body, new Dictionary<string, string>
        {
            ["timestamp"] = send.Now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        });
        if (send.JiraAutomation || IsAutomation(send.SampleName))
        {
            var header = send.Configuration[AutomationHeaderSetting] is { Length: > 0 } configured ? configured.Trim() : DefaultAutomationHeader;
            if (Secret(send.Configuration, AutomationSecretsSetting, out problem) is not { } shared)
            {
                return null;
            }

            // Automation's own client; no delivery identifier (the bridge names the delivery after the body).
            var automation = Post(Route, body, "application/json", "Automation for Jira");
            automation.Headers.TryAddWithoutValidation(header, shared);
            return new SignedDelivery(automation, $"as Jira Automation: {header} from {AutomationSecretsSetting}");
        }

        if (Secret(send.Configuration, SecretsSetting, out problem) is not { } secret)
        {
            return null;
        }

        var request = Post(Route, body, "application/json; charset=utf-8", "Atlassian Webhook HTTP Client");
        request.Headers.Add(SignatureHeader, SenderSignatures.Jira(secret, body));
        request.Headers.Add(IdentifierHeader, send.DeliveryId ?? NewId());
        request.Headers.Add("X-Atlassian-Webhook-Flow", "Primary");
        return new SignedDelivery(request, $"as a Jira admin webhook: {SignatureHeader} with {SecretsSetting}");
    }
}

/// <summary>The shipped Business Rule (integrations/servicenow): an HMAC of the body in base64, and its send time in <c>sent_at</c>.</summary>
internal sealed class ServiceNowSender() : Sender("servicenow", "/api/webhooks/servicenow", ".json", "ServiceNow Business Rule, contract v1 (X-AssignBridge-Signature)")
{
    public const string SecretsSetting = "ServiceNow:Secrets";
    public const string SignatureHeader = "X-AssignBridge-Signature";

    public override SignedDelivery? Prepare(SendRequest send, out string? problem)
    {
        if (send.DeliveryId is not null)
        {
            problem = "--delivery-id does not apply to servicenow: its delivery id is the sample's table, sys_id and sys_mod_count.";
            return null;
        }

        if (Secret(send.Configuration, SecretsSetting, out problem) is not { } secret)
        {
            return null;
        }

        // GlideDateTime.getValue(): UTC, yyyy-MM-dd HH:mm:ss.
        var now = BodyStamps.JsonString(send.Now.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        var body = BodyStamps.Json(send.Body, new Dictionary<string, string> { ["sent_at"] = now, ["sys_updated_on"] = now });
        var request = Post(Route, body, "application/json", "ServiceNow/1.0");
        request.Headers.Add(SignatureHeader, SenderSignatures.ServiceNow(secret, body));
        return new SignedDelivery(request, $"as the ServiceNow Business Rule: {SignatureHeader} with {SecretsSetting}");
    }
}

/// <summary>A slash command: the form body signed with the request timestamp (v0), a fresh <c>trigger_id</c> per invocation.</summary>
internal sealed class SlackSender() : Sender("slack", "/api/commands/slack", ".txt", "Slack slash command (X-Slack-Signature v0, X-Slack-Request-Timestamp)")
{
    public const string SecretsSetting = "Slack:SigningSecrets";
    public const string SignatureHeader = "X-Slack-Signature";
    public const string TimestampHeader = "X-Slack-Request-Timestamp";

    public override SignedDelivery? Prepare(SendRequest send, out string? problem)
    {
        if (Secret(send.Configuration, SecretsSetting, out problem) is not { } secret)
        {
            return null;
        }

        var seconds = send.Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var trigger = send.DeliveryId ?? $"{seconds}.{RandomNumberGenerator.GetInt32(100_000_000, 1_000_000_000)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}";
        var body = BodyStamps.Form(send.Body, "trigger_id", trigger);
        var request = Post(Route, body, "application/x-www-form-urlencoded", "Slackbot 1.0 (+https://api.slack.com/robots)");
        request.Headers.Add(TimestampHeader, seconds);
        request.Headers.Add(SignatureHeader, SenderSignatures.Slack(secret, seconds, body));
        return new SignedDelivery(request, $"as a Slack slash command: {SignatureHeader} with {SecretsSetting}");
    }
}

/// <summary>An outgoing webhook: the activity, with a fresh activity id per message, signed with the base64 security token.</summary>
internal sealed class TeamsSender() : Sender("teams", "/api/commands/teams", ".json", "Teams outgoing webhook (Authorization: HMAC)")
{
    public const string TokensSetting = "Teams:SecurityTokens";

    public override SignedDelivery? Prepare(SendRequest send, out string? problem)
    {
        if (Secret(send.Configuration, TokensSetting, out problem) is not { } token)
        {
            return null;
        }

        if (Signatures.FromBase64(token) is not { Length: > 0 })
        {
            problem = $"The token in {TokensSetting} is not base64 (Teams shows the security token in base64).";
            return null;
        }

        var id = send.DeliveryId ?? send.Now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var body = BodyStamps.Json(send.Body, new Dictionary<string, string> { ["id"] = BodyStamps.JsonString(id) });
        var request = Post(Route, body, "application/json; charset=utf-8", "Microsoft-SkypeBotApi (Microsoft-BotFramework/3.0)");
        request.Headers.TryAddWithoutValidation("Authorization", SenderSignatures.Teams(token, body));
        return new SignedDelivery(request, $"as a Teams outgoing webhook: Authorization HMAC with {TokensSetting}");
    }
}

/// <summary>A SOAR tool or script calling the assignments API: a bearer token and an Idempotency-Key per request.</summary>
internal sealed class AssignmentsSender() : Sender("assignments", "/api/assignments", ".json", "the assignments API (Authorization: Bearer, Idempotency-Key)")
{
    public const string TokensSetting = "Assignments:Tokens";
    public const string DeliveryIdHeader = "Idempotency-Key";

    public override SignedDelivery? Prepare(SendRequest send, out string? problem)
    {
        if (Secret(send.Configuration, TokensSetting, out problem) is not { } token)
        {
            return null;
        }

        var request = Post(Route, send.Body, "application/json", "assignbridge-cli/1.0");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add(DeliveryIdHeader, send.DeliveryId ?? NewId());
        return new SignedDelivery(request, $"as an API caller: Authorization Bearer from {TokensSetting}");
    }
}

using System.ComponentModel.DataAnnotations;
using AssignBridge.Platform.Configuration;
using Microsoft.Extensions.Options;

namespace AssignBridge.Notifications;

/// <summary>
/// Where to tell people that alerts were assigned to them; without a webhook URL no notices are sent. Each notice is a
/// message on the queue <c>deliveries-notices</c>, posted by the <c>SendNotice</c> function (standalone: the poller),
/// best effort and once. Both URLs are credentials (whoever holds one may post): on Azure they are Key Vault
/// references, and they never reach a log line or a span.
/// </summary>
internal sealed class NotificationOptions : IValidatableObject
{
    public const string SectionName = "Notifications";

    /// <summary>A Slack incoming-webhook URL (posts to the channel the webhook was created for); absolute https (http only to a loopback receiver).</summary>
    [SecretSetting]
    public Uri? SlackWebhookUrl { get; set; }

    /// <summary>A Teams incoming-webhook URL (Office 365 connector or a Workflows "post to a channel" URL); absolute https (http only to a loopback receiver).</summary>
    [SecretSetting]
    public Uri? TeamsWebhookUrl { get; set; }

    /// <summary>The Kibana address people open in a browser, for the links (absolute http or https); <c>Kibana:Url</c> when unset.</summary>
    public Uri? KibanaPublicUrl { get; set; }

    /// <summary>Links listed in one message; the rest are counted.</summary>
    [Range(1, 100)]
    public int MaxLinks { get; set; } = 10;

    public bool Enabled => SlackWebhookUrl is not null || TeamsWebhookUrl is not null;

    /// <summary>
    /// The webhooks are posted to as given: absolute https URLs (http only to a loopback receiver, for local runs). The
    /// messages name the setting, never the URL (it is a credential).
    /// </summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (setting, url) in new[] { (nameof(SlackWebhookUrl), SlackWebhookUrl), (nameof(TeamsWebhookUrl), TeamsWebhookUrl) })
        {
            if (url is not null && !(url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback))))
            {
                yield return new ValidationResult($"{SectionName}:{setting} must be an absolute https URL (the incoming webhook's address).", [setting]);
            }
        }

        if (KibanaPublicUrl is not null && !(KibanaPublicUrl.IsAbsoluteUri && (KibanaPublicUrl.Scheme == Uri.UriSchemeHttps || KibanaPublicUrl.Scheme == Uri.UriSchemeHttp)))
        {
            yield return new ValidationResult($"{SectionName}:{nameof(KibanaPublicUrl)} must be an absolute http or https URL (the Kibana address people open).", [nameof(KibanaPublicUrl)]);
        }
    }
}

/// <summary>Checks the data annotations of <see cref="NotificationOptions"/> with generated code.</summary>
[OptionsValidator] internal sealed partial class NotificationOptionsValidator : IValidateOptions<NotificationOptions>;

using Microsoft.Extensions.Options;

namespace AssignBridge.Notifications;

/// <summary>
/// Where to tell people that alerts were assigned to them. Both URLs are credentials (whoever holds one may post):
/// on Azure they are Key Vault references, and they never reach a log line or a span.
/// </summary>
internal sealed class NotificationOptions
{
    public const string SectionName = "Notifications";

    /// <summary>A Slack incoming-webhook URL (posts to the channel the webhook was created for).</summary>
    public Uri? SlackWebhookUrl { get; set; }

    /// <summary>A Teams incoming-webhook URL (Office 365 connector or a Workflows "post to a channel" URL).</summary>
    public Uri? TeamsWebhookUrl { get; set; }

    /// <summary>The Kibana address people open in a browser, for the links; default <c>Kibana:Url</c>.</summary>
    public Uri? KibanaPublicUrl { get; set; }

    /// <summary>Links listed in one message; the rest are counted.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 100, ErrorMessage = "Notifications:MaxLinks must be between 1 and 100.")]
    public int MaxLinks { get; set; } = 10;

    public bool Enabled => SlackWebhookUrl is not null || TeamsWebhookUrl is not null;
}

/// <summary>Checks the data annotations of <see cref="NotificationOptions"/> with generated code (see OptionsValidation).</summary>
[OptionsValidator] internal sealed partial class NotificationOptionsValidator : IValidateOptions<NotificationOptions>;

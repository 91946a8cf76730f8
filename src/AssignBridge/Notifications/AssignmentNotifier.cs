using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using AssignBridge.Assignments;
using AssignBridge.Kibana;
using AssignBridge.People;
using Microsoft.Extensions.Options;

namespace AssignBridge.Notifications;

/// <summary>One applied Kibana request that added people: who, which alerts, and why.</summary>
internal sealed record AssignedNotice(string Space, IReadOnlyList<string> AlertIds, IReadOnlyList<string> AddedUids, AssignmentIntent Intent);

internal sealed record WebhookText([property: JsonPropertyName("text")] string Text);

[JsonSerializable(typeof(WebhookText))]
internal sealed partial class NotificationJsonContext : JsonSerializerContext;

/// <summary>
/// Tells the newly assigned people, through a Slack and/or Teams incoming webhook, that alerts were assigned to
/// them, with links to the alerts in Kibana. Best effort and off the delivery's path: notices are queued (bounded,
/// the oldest dropped when full) and sent in the background; a notice already sent for the same delivery, space
/// and people (a retried attempt re-applies its requests) is not sent again.
/// </summary>
internal sealed class AssignmentNotifier(
    IHttpClientFactory httpClients,
    IOptions<NotificationOptions> options,
    IOptions<KibanaOptions> kibana,
    TimeProvider time,
    ILogger<AssignmentNotifier> logger) : BackgroundService
{
    public const string HttpClientName = "notifications";
    private readonly Channel<AssignedNotice> _queue = Channel.CreateBounded<AssignedNotice>(new BoundedChannelOptions(1_000) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly ExpiringCache<string, bool> _sent = new(10_000, time);

    public void Enqueue(AssignedNotice notice)
    {
        if (options.Value.Enabled && notice.AddedUids.Count > 0 && notice.AlertIds.Count > 0)
        {
            _queue.Writer.TryWrite(notice);
        }
    }

    /// <summary>The message text, in the link syntax of the target (<c>&lt;url|text&gt;</c> for Slack, Markdown for Teams).</summary>
    internal static string Compose(AssignedNotice notice, Uri kibanaUrl, int maxLinks, bool slack)
    {
        var who = Who(notice, slack);
        var cause = string.Join(", ", new[]
        {
            notice.Intent.Reference is { Length: > 0 } reference ? $"from {reference}" : notice.Intent.Ticket is { } ticket ? $"from {ticket.Key}" : null,
            notice.Intent.RequestedBy is { Length: > 0 } by ? $"asked by {by}" : null,
        }.OfType<string>());
        var text = new StringBuilder();
        text.Append(notice.AlertIds.Count == 1 ? "1 Kibana alert" : $"{notice.AlertIds.Count} Kibana alerts")
            .Append($" in space '{notice.Space}' assigned to {who}")
            .Append(cause.Length > 0 ? $" ({cause})" : "")
            .Append(':');
        foreach (var id in notice.AlertIds.Take(maxLinks))
        {
            var link = AlertLink(kibanaUrl, notice.Space, id);
            text.Append('\n').Append(slack ? $"• <{link}|{Escape(id)}>" : $"- [{id}]({link})");
        }

        if (notice.AlertIds.Count > maxLinks)
        {
            text.Append('\n').Append($"…and {notice.AlertIds.Count - maxLinks} more.");
        }

        return text.ToString();
    }

    /// <summary>Kibana's alert redirect page (<c>/app/security/alerts/redirect/{id}</c>), which opens the alert's details.</summary>
    internal static Uri AlertLink(Uri kibanaUrl, string space, string alertId)
    {
        var root = kibanaUrl.AbsoluteUri.TrimEnd('/');
        return new Uri($"{root}/{KibanaSpaces.Prefix(space)}app/security/alerts/redirect/{Uri.EscapeDataString(alertId)}?index=.alerts-security.alerts-{space}");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var notice in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                var key = $"{notice.Intent.Source}\n{notice.Intent.DeliveryId}\n{notice.Space}\n{string.Join(',', notice.AddedUids)}\n{string.Join(',', notice.AlertIds)}";
                if (_sent.TryGet(key, out _))
                {
                    continue;
                }

                _sent.Set(key, true, TimeSpan.FromDays(1));
                try
                {
                    var settings = options.Value;
                    var kibanaUrl = settings.KibanaPublicUrl ?? kibana.Value.Url!;
                    if (settings.SlackWebhookUrl is { } slack)
                    {
                        await PostAsync("slack", slack, Compose(notice, kibanaUrl, settings.MaxLinks, slack: true), stoppingToken);
                    }

                    if (settings.TeamsWebhookUrl is { } teams)
                    {
                        await PostAsync("teams", teams, Compose(notice, kibanaUrl, settings.MaxLinks, slack: false), stoppingToken);
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // One notice that fails in a way nobody foresaw must not stop the others (nor, thrown, the host).
                    Log.NotSent(logger, "any", exception.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: queued notices are dropped; the audit trail holds the assignments.
        }
    }

    private async Task PostAsync(string target, Uri url, string text, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            using var response = await httpClients.CreateClient(HttpClientName)
                .PostAsJsonAsync(url, new WebhookText(text), NotificationJsonContext.Default.WebhookText, timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                Log.Sent(logger, target);
            }
            else
            {
                Log.NotSent(logger, target, $"status {(int)response.StatusCode}");
            }
        }
        catch (HttpRequestException exception)
        {
            Log.NotSent(logger, target, exception.HttpRequestError.ToString());
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Log.NotSent(logger, target, "no answer within 10 s");
        }
    }

    /// <summary>The Slack person named in the intent when it is the one person added, else the Kibana UIDs.</summary>
    private static string Who(AssignedNotice notice, bool slack)
    {
        if (slack && notice.AddedUids.Count == 1 && notice.Intent.Add is [{ Namespace: "slack" } person])
        {
            var id = person.Id.Contains('/', StringComparison.Ordinal) ? person.Id[(person.Id.IndexOf('/', StringComparison.Ordinal) + 1)..] : person.Id;
            return $"<@{id}>";
        }

        return string.Join(", ", notice.AddedUids.Select(uid => $"Kibana user {uid}"));
    }

    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}

internal static class NotificationsExtensions
{
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.SectionName);
        services.AddHttpClient(AssignmentNotifier.HttpClientName).RemoveAllLoggers(); // the default handlers would log the webhook URL, which is a credential
        services.AddSingleton<AssignmentNotifier>();
        services.AddHostedService(sp => sp.GetRequiredService<AssignmentNotifier>());
        return services;
    }
}

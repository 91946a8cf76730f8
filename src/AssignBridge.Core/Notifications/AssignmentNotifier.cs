using System.Net.Http.Json;
using System.Text.Json.Serialization;
using System.Text.Json;
using System.Text;
using AssignBridge.Assignments;
using AssignBridge.Kibana;
using AssignBridge.Platform.Caching;
using AssignBridge.Platform.Queues;
using AssignBridge.Platform.Storage;
using Azure.Storage.Queues;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace AssignBridge.Notifications;

/// <summary>One applied Kibana request that added people: who, which alerts, and why.</summary>
internal sealed record AssignedNotice(string Space, IReadOnlyList<string> AlertIds, IReadOnlyList<string> AddedUids, AssignmentIntent Intent);

internal sealed record WebhookText([property: JsonPropertyName("text")] string Text);

[JsonSerializable(typeof(WebhookText))]
[JsonSerializable(typeof(AssignedNotice))]
internal sealed partial class NotificationJsonContext : JsonSerializerContext;

// Tells the newly assigned people, through a Slack and/or Teams incoming webhook, that alerts were assigned to
// them, with links to the alerts in Kibana. Best effort and off the delivery's path: a notice is a message on the
// notice queue (nothing runs behind an answer: a Flex instance may be recycled the moment it answers), sent by the
// queue function SendNotice (standalone: the poller); a notice this instance already sent for the same
// delivery, space and people (a retried attempt re-applies its requests) is not sent again.
internal sealed class AssignmentNotifier(
    QueueServiceClient queues,
    IHttpClientFactory httpClients,
    IOptions<NotificationOptions> options,
    IOptions<QueueOptions> queueOptions,
    IOptions<KibanaOptions> kibana,
    [FromKeyedServices(AssignmentNotifier.SentCacheKey)] IMemoryCache sent,
    ILogger<AssignmentNotifier> logger) : IQueueWork
{
    public const string HttpClientName = "notifications";

    /// <summary>The key of the <see cref="IMemoryCache"/> of notices sent (at most <see cref="SentCapacity"/>, each kept a day) among the app's services.</summary>
    public const string SentCacheKey = "notices-sent";
    public const int SentCapacity = 10_000;

    private readonly QueuePair _queues = new(queues, queueOptions.Value.NoticesName);

    public QueueClient Queue => _queues.Queue;

    public QueueClient Poison => _queues.Poison;

    /// <summary>Puts the notice on the notice queue when notices are configured. Never throws: a notice that cannot be queued is logged and dropped (the audit trail holds the assignment).</summary>
    public async Task EnqueueAsync(AssignedNotice notice, CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled || notice.AddedUids.Count == 0 || notice.AlertIds.Count == 0)
        {
            return;
        }

        try
        {
            await _queues.EnsureAsync(cancellationToken);
            await Queue.SendMessageAsync(JsonSerializer.Serialize(notice, NotificationJsonContext.Default.AssignedNotice), cancellationToken);
        }
        catch (Exception exception) when (StorageGuard.Reason(exception, cancellationToken) is { } reason || exception is OperationCanceledException)
        {
            _queues.Forget();
            Log.NotSent(logger, "queue", StorageGuard.Reason(exception, cancellationToken) ?? "cancelled");
        }
    }

    /// <summary>One message of the notice queue: send it (once per instance), or poison it when it is not a notice.</summary>
    public async Task<QueueOutcome> HandleAsync(string message, long dequeueCount, CancellationToken cancellationToken)
    {
        AssignedNotice? notice;
        try
        {
            notice = JsonSerializer.Deserialize(message, NotificationJsonContext.Default.AssignedNotice);
        }
        catch (JsonException)
        {
            notice = null;
        }

        if (notice is null || notice.Intent is null)
        {
            return QueueOutcome.NotOurs;
        }

        await SendAsync(notice, cancellationToken);
        return new QueueOutcome(false);
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

    /// <summary>Posts the notice to each configured webhook. A failed post is logged, not thrown: a notice is best effort, never tried again.</summary>
    private async Task SendAsync(AssignedNotice notice, CancellationToken cancellationToken)
    {
        var key = $"{notice.Intent.Source}\n{notice.Intent.DeliveryId}\n{notice.Space}\n{string.Join(',', notice.AddedUids)}\n{string.Join(',', notice.AlertIds)}";
        if (sent.TryGetValue(key, out _))
        {
            return;
        }

        sent.SetFor(key, true, TimeSpan.FromDays(1));
        var settings = options.Value;
        var kibanaUrl = settings.KibanaPublicUrl ?? kibana.Value.Url!;
        if (settings.SlackWebhookUrl is { } slack)
        {
            await PostAsync("slack", slack, Compose(notice, kibanaUrl, settings.MaxLinks, slack: true), cancellationToken);
        }

        if (settings.TeamsWebhookUrl is { } teams)
        {
            await PostAsync("teams", teams, Compose(notice, kibanaUrl, settings.MaxLinks, slack: false), cancellationToken);
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
        services.AddHttpClient(AssignmentNotifier.HttpClientName).RemoveAllLoggers(); // the default handlers would log the webhook URL, which is a credential
        services.AddKeyedSingleton<IMemoryCache>(AssignmentNotifier.SentCacheKey, (sp, _) =>
            BoundedMemoryCache.Create(AssignmentNotifier.SentCapacity, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<AssignmentNotifier>();
        services.AddSingleton<IQueueWork>(sp => sp.GetRequiredService<AssignmentNotifier>());
        return services;
    }
}

using System.Collections.Concurrent;
using System.Net.Http.Json;
using AssignBridge.Journal;
using Microsoft.Extensions.Options;

namespace AssignBridge.Commands.Slack;

/// <summary>
/// Finishes a slash command that did not finish within Slack's 3 seconds and posts the outcome to its response_url.
/// </summary>
/// <remarks>
/// Nothing depends on this for correctness: the journal already holds the delivery as retrying, so reconciliation
/// applies it even if this process stops. The follow-up only makes the answer prompt. It runs in the background,
/// bounded by <see cref="SlackOptions.FollowUpMinutes"/> (response_url is valid for 30 minutes) and by the
/// application's shutdown. When the first attempt merely ran out of time (a slow Kibana) it attempts again at once
/// with a longer bound; when Kibana failed it waits for the journal's next attempt time (which honours Retry-After).
/// Every attempt claims the journal row through its ETag first, so it never races reconciliation into a double
/// effect; when reconciliation finishes the delivery first, the follow-up reports what the journal says.
/// </remarks>
internal sealed class SlackFollowUp(
    DeliveryJournal journal,
    DeliveryProcessor processor,
    CommandRunner runner,
    IHttpClientFactory httpClients,
    IOptions<SlackOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<SlackFollowUp> logger)
{
    public const string HttpClientName = "slack-response-url";
    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(2);
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);

    /// <summary>Starts following a pending command; false when its response_url is not a Slack address this bridge may post to.</summary>
    public bool Start(CommandPending pending, string responseUrl)
    {
        var deliveryId = pending.Context.DeliveryId;
        if (!IsAllowed(responseUrl, out var target))
        {
            Log.ResponseUrlRefused(logger, deliveryId);
            return false;
        }

        Log.FollowUpStarted(logger, deliveryId);
        var task = Task.Run(() => FollowAsync(pending, target, lifetime.ApplicationStopping));
        _running[deliveryId] = task;
        _ = task.ContinueWith(_ => _running.TryRemove(deliveryId, out var _), TaskScheduler.Default);
        return true;
    }

    /// <summary>Completes when every follow-up running now has ended (tests, shutdown diagnostics).</summary>
    public Task WhenIdleAsync() => Task.WhenAll(_running.Values);

    internal bool IsAllowed(string responseUrl, out Uri target)
    {
        target = null!;
        if (!Uri.TryCreate(responseUrl, UriKind.Absolute, out var uri) || uri.UserInfo.Length > 0 || uri.Scheme is not ("https" or "http"))
        {
            return false;
        }

        target = uri;
        return options.Value.EffectiveResponseUrlPrefixes.Any(prefix => uri.AbsoluteUri.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
    }

    private async Task FollowAsync(CommandPending pending, Uri target, CancellationToken stopping)
    {
        var slack = options.Value;
        var deliveryId = pending.Context.DeliveryId;
        var until = time.GetUtcNow().AddMinutes(slack.FollowUpMinutes);
        var retryNow = pending.RetryNow;
        var next = retryNow ? time.GetUtcNow() : pending.NextAttemptAt ?? time.GetUtcNow();
        try
        {
            while (true)
            {
                var now = time.GetUtcNow();
                if (next > until)
                {
                    await PostAsync(target, deliveryId, $"Still not applied after {slack.FollowUpMinutes:0.#} minutes. The bridge keeps trying on its own (journal id `{deliveryId}`); check the alerts in Kibana later.", stopping);
                    return;
                }

                if (next > now)
                {
                    await Task.Delay(next - now, time, stopping);
                }

                JournalEntry? entry;
                try
                {
                    entry = await journal.GetAsync(pending.Context.Source, deliveryId, stopping);
                }
                catch (JournalUnavailableException exception)
                {
                    Log.FollowUpStopped(logger, deliveryId, $"journal unavailable, waiting: {exception.Message}");
                    next = time.GetUtcNow() + Pause;
                    continue;
                }

                if (entry is null)
                {
                    Log.FollowUpStopped(logger, deliveryId, "the journal has no such delivery");
                    return;
                }

                if (entry.Status is DeliveryStatus.Applied or DeliveryStatus.Rejected or DeliveryStatus.Dead)
                {
                    // Reconciliation (or another instance) finished it first; the journal keeps the status, not the details.
                    await PostAsync(target, deliveryId, CommandRunner.DescribeJournal(entry), stopping);
                    return;
                }

                now = time.GetUtcNow();
                if (entry.ClaimedUntil > now)
                {
                    next = Min(entry.ClaimedUntil, now + Pause);
                    continue;
                }

                if (!retryNow && entry.NextAttemptAt > now)
                {
                    next = entry.NextAttemptAt;
                    continue;
                }

                retryNow = false;
                if (await journal.TryClaimAsync(entry, stopping) is not { } claimed)
                {
                    next = now + Pause;
                    continue;
                }

                AttemptResult attempt;
                using (var bound = CancellationTokenSource.CreateLinkedTokenSource(stopping))
                {
                    bound.CancelAfter(TimeSpan.FromSeconds(slack.FollowUpAttemptSeconds));
                    attempt = await processor.AttemptAsync(claimed, bound.Token);
                }

                if (attempt.Status == DeliveryStatus.Retrying)
                {
                    next = attempt.NextAttemptAt ?? time.GetUtcNow() + Pause;
                    continue;
                }

                var text = await runner.DescribeAsync(pending.Command, pending.Context, attempt, TimeSpan.FromSeconds(10), stopping);
                await PostAsync(target, deliveryId, text, stopping);
                return;
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            Log.FollowUpStopped(logger, deliveryId, "the app is stopping; reconciliation finishes the delivery");
        }
        catch (Exception exception)
        {
            // A background task has nobody to throw to: log it. The journal still holds the delivery.
            Log.FollowUpFailed(logger, deliveryId, exception);
        }
    }

    /// <summary>Slack accepts up to five posts to one response_url within 30 minutes; three tries leave room.</summary>
    private async Task PostAsync(Uri target, string deliveryId, string text, CancellationToken stopping)
    {
        var http = httpClients.CreateClient(HttpClientName);
        var reply = new SlackReply(options.Value.AnnounceInChannel ? SlackReply.InChannel : SlackReply.Ephemeral, text);
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            try
            {
                using var response = await http.PostAsync(target, JsonContent.Create(reply, CommandsJsonContext.Default.SlackReply), stopping);
                if (response.IsSuccessStatusCode)
                {
                    Log.FollowUpPosted(logger, deliveryId, (int)response.StatusCode);
                    return;
                }

                Log.FollowUpPostFailed(logger, deliveryId, $"status {(int)response.StatusCode}");
            }
            catch (Exception exception) when (exception is HttpRequestException || exception is TaskCanceledException && !stopping.IsCancellationRequested)
            {
                Log.FollowUpPostFailed(logger, deliveryId, exception.GetType().Name);
            }

            await Task.Delay(Pause * attempt, time, stopping);
        }
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}

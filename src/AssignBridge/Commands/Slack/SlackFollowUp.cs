using System.Net.Http.Json;
using System.Text.Json;
using AssignBridge.Delivery;
using Microsoft.Extensions.Options;
using Polly.Retry;
using Polly;

namespace AssignBridge.Commands.Slack;

/// <summary>What a Slack follow-up needs to word the outcome: the command as typed and who typed it.</summary>
internal sealed record SlackFollowUpState(ChatCommand Command, CommandContext Context);

/// <summary>
/// Posts the outcome of a slash command that did not finish within Slack's 3 seconds to its response_url.
/// </summary>
/// <remarks>
/// The note travels with the delivery on the delivery queue, so nothing runs behind the HTTP answer: the queue
/// function that finishes the delivery posts the result (and an attempt that merely ran out of time is queued for at
/// once). The note lasts <see cref="SlackOptions.FollowUpMinutes"/> (response_url is valid for 30 minutes); when the
/// next attempt falls later, the user is told the bridge carries on alone. The target is checked against
/// <see cref="SlackOptions.ResponseUrlPrefixes"/> when the note is made and again before every post.
/// </remarks>
internal sealed class SlackFollowUp(
    CommandRunner runner,
    IHttpClientFactory httpClients,
    IOptions<SlackOptions> options,
    TimeProvider time,
    ILogger<SlackFollowUp> logger) : IDeliveryFollowUp
{
    public const string HttpClientName = "slack-response-url";
    public const string FollowUpKind = "slack";
    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(2);
    private readonly ResiliencePipeline<bool> _retry = CreateRetry(time);

    public string Kind => FollowUpKind;

    /// <summary>The note for a command's response_url; null when it is not a Slack address this bridge may post to.</summary>
    public FollowUpNote? Note(string responseUrl, ChatCommand command, CommandContext context)
    {
        if (!IsAllowed(responseUrl, out _))
        {
            Log.ResponseUrlRefused(logger, context.DeliveryId);
            return null;
        }

        var state = JsonSerializer.Serialize(new SlackFollowUpState(command, context), SlackJsonContext.Default.SlackFollowUpState);
        return new FollowUpNote(Kind, responseUrl, time.GetUtcNow().AddMinutes(options.Value.FollowUpMinutes), state);
    }

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

    public async Task ReportAsync(FollowUpNote note, JournalEntry entry, AttemptResult? attempt, CancellationToken cancellationToken)
    {
        if (!IsAllowed(note.Target, out var target))
        {
            Log.ResponseUrlRefused(logger, entry.DeliveryId);
            return;
        }

        var state = ReadState(note);
        var text = attempt is null || state is null
            ? CommandRunner.DescribeJournal(entry) // finished elsewhere (reconcile, a replay): the journal keeps the status, not the details
            : await runner.DescribeAsync(state.Command, state.Context, attempt, TimeSpan.FromSeconds(10), cancellationToken);
        await PostAsync(target, entry.DeliveryId, text, cancellationToken);
    }

    public async Task ReportStillPendingAsync(FollowUpNote note, JournalEntry entry, CancellationToken cancellationToken)
    {
        if (IsAllowed(note.Target, out var target))
        {
            await PostAsync(target, entry.DeliveryId, $"Still not applied after {options.Value.FollowUpMinutes:0.#} minutes. The bridge keeps trying on its own (journal id `{entry.DeliveryId}`); check the alerts in Kibana later.", cancellationToken);
        }
    }

    private static SlackFollowUpState? ReadState(FollowUpNote note)
    {
        try
        {
            return note.State is null ? null : JsonSerializer.Deserialize(note.State, SlackJsonContext.Default.SlackFollowUpState);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Slack accepts up to five posts to one response_url within 30 minutes; three tries leave room. Never throws for a failed post.</summary>
    private async Task PostAsync(Uri target, string deliveryId, string text, CancellationToken cancellationToken)
    {
        var http = httpClients.CreateClient(HttpClientName);
        var reply = new SlackReply(options.Value.AnnounceInChannel ? SlackReply.InChannel : SlackReply.Ephemeral, text);
        await _retry.ExecuteAsync(async token =>
        {
            try
            {
                using var response = await http.PostAsync(target, JsonContent.Create(reply, SlackJsonContext.Default.SlackReply), token);
                if (response.IsSuccessStatusCode)
                {
                    Log.FollowUpPosted(logger, deliveryId, (int)response.StatusCode);
                    return true;
                }

                Log.FollowUpPostFailed(logger, deliveryId, $"status {(int)response.StatusCode}");
            }
            catch (Exception exception) when (exception is HttpRequestException || exception is TaskCanceledException && !token.IsCancellationRequested)
            {
                Log.FollowUpPostFailed(logger, deliveryId, exception.GetType().Name);
            }

            return false;
        }, cancellationToken);
    }

    /// <summary>Three tries in all, 2 s after the first failure and 4 s after the second; then the post is given up (a result, never an exception).</summary>
    private static ResiliencePipeline<bool> CreateRetry(TimeProvider time) => new ResiliencePipelineBuilder<bool> { TimeProvider = time }
        .AddRetry(new RetryStrategyOptions<bool>
        {
            MaxRetryAttempts = 2,
            BackoffType = DelayBackoffType.Linear,
            Delay = Pause,
            UseJitter = false,
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is null && !args.Outcome.Result),
        })
        .Build();
}

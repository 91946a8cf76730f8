using AssignBridge.Assignments;
using AssignBridge.Audit;
using AssignBridge.Kibana;
using AssignBridge.People;
using AssignBridge.Platform.Telemetry;
using Microsoft.Extensions.Options;

namespace AssignBridge.Delivery;

/// <summary>How the intake of one delivery ended; each sender turns it into the answer its protocol expects.</summary>
internal abstract record IntakeResult(string DeliveryId);

/// <summary>The journal could not be written: nothing was done and the sender must try again (a 5xx for webhooks).</summary>
internal sealed record IntakeNotRecorded(string DeliveryId, string Reason) : IntakeResult(DeliveryId);

/// <summary>The delivery cannot be journaled as it is (too large for a journal row, a delivery id too long for a key): nothing was done, and sending it again cannot help.</summary>
internal sealed record IntakeRefused(string DeliveryId, string Reason) : IntakeResult(DeliveryId);

/// <summary>The delivery was already journaled. <see cref="SameBody"/> is false when a different request reused the delivery id.</summary>
internal sealed record IntakeRedelivered(string DeliveryId, JournalEntry Entry, bool SameBody) : IntakeResult(DeliveryId);

/// <summary>A new delivery, journaled and attempted once (within the deadline); the journal holds whatever comes next.</summary>
internal sealed record IntakeAttempted(string DeliveryId, JournalEntry Entry, AttemptResult Attempt) : IntakeResult(DeliveryId);

/// <summary>A dry run: planned and audited, not journaled, and Kibana not called; the outcome holds the plan.</summary>
internal sealed record IntakePlanned(string DeliveryId, AssignmentOutcome Outcome) : IntakeResult(DeliveryId);

/// <summary>
/// The one way a delivery enters the bridge, whichever sender it comes from: journal it (nothing is promised
/// before that), recognise a redelivery, then make the first attempt; both within the sender's deadline. Past it the
/// attempt is recorded as due again. A delivery the attempt did not finish is on the delivery queue before the sender
/// is answered (a Flex instance may be recycled the moment it answers), visible when its next attempt is due.
/// </summary>
internal sealed class DeliveryIntake(DeliveryJournal journal, DeliveryProcessor processor, AssignmentService service, DeliveryQueue queue, KibanaBatcher batcher, IOptions<JournalOptions> options, TimeProvider time, ILogger<DeliveryIntake> logger)
{
    /// <summary>
    /// The way in for a source in dry run (<c>&lt;Source&gt;:DryRun</c>, <c>?dryRun=true</c>): the verified, parsed delivery is
    /// planned as an attempt would plan it and audited, and nothing else happens; within the sender's deadline.
    /// </summary>
    public async Task<IntakeResult> DryRunAsync(AssignmentIntent intent, TimeSpan? deadline = null, CancellationToken cancellationToken = default)
    {
        using var telemetry = AssignBridgeTelemetry.Delivery(logger, intent.Source, intent.DeliveryId, intent.Alerts.Count, "dry-run");
        var within = deadline ?? TimeSpan.FromSeconds(options.Value.InlineDeadlineSeconds);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(within);
        try
        {
            return new IntakePlanned(intent.DeliveryId, await service.DryRunAsync(intent, limit.Token));
        }
        catch (Exception exception) when (exception is PeopleUnavailableException or JournalUnavailableException or AuditUnavailableException
            || exception is OperationCanceledException && limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var reason = exception is OperationCanceledException ? $"The dry run did not finish within {within.TotalSeconds:0.#} s (timed out)." : exception.Message;
            Log.NotRecorded(logger, intent.Source, intent.DeliveryId, reason);
            return new IntakeNotRecorded(intent.DeliveryId, reason);
        }
    }

    /// <param name="followUp">Who to tell the outcome later when the first attempt does not finish it (a Slack response_url).</param>
    public async Task<IntakeResult> AcceptAsync(AssignmentIntent intent, TimeSpan? deadline = null, FollowUpNote? followUp = null, CancellationToken cancellationToken = default)
    {
        using var telemetry = AssignBridgeTelemetry.Delivery(logger, intent.Source, intent.DeliveryId, intent.Alerts.Count, "intake"); // span + DeliveryId/Source logging scope

        // Announced from the start, journal write included: a Kibana request gathering company waits for deliveries
        // still being journaled too (at most Kibana:CoalesceMilliseconds), so a burst shares requests.
        using var onItsWay = batcher.Expect();

        // The sender's deadline bounds the journal write too: a stalled store is a "try again" within it, never a hang.
        var within = deadline ?? TimeSpan.FromSeconds(options.Value.InlineDeadlineSeconds);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(within);
        JournalEntry entry;
        bool created, sameBody;
        TicketMark? mark; // the ticket's newest applied event, confirmed by the journal write itself
        try
        {
            (entry, created, sameBody, mark) = await journal.RecordAsync(intent, limit.Token);
        }
        catch (ArgumentException exception)
        {
            Log.Refused(logger, intent.Source, intent.DeliveryId[..Math.Min(intent.DeliveryId.Length, 200)], exception.Message);
            return new IntakeRefused(intent.DeliveryId, exception.Message);
        }
        catch (Exception exception) when (exception is JournalUnavailableException
            || exception is OperationCanceledException && limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var reason = exception is JournalUnavailableException ? exception.Message : $"The journal could not be written within {within.TotalSeconds:0.#} s (timed out).";
            Log.NotRecorded(logger, intent.Source, intent.DeliveryId, reason);
            return new IntakeNotRecorded(intent.DeliveryId, reason);
        }

        if (!created)
        {
            Log.Redelivered(logger, intent.Source, intent.DeliveryId, JournalEntry.StatusName(entry.Status));
            if (sameBody && entry.Status is DeliveryStatus.Pending or DeliveryStatus.Retrying)
            {
                // Still waiting, and perhaps without a message (its first answer was a 503 because the journal write
                // outlived the deadline, yet landed): the resend wakes it when it is due. A duplicate is harmless.
                await queue.EnqueueAsync(new DeliveryMessage(intent.Source, intent.DeliveryId), Later(entry.ClaimedUntil, entry.NextAttemptAt) - time.GetUtcNow(), CancellationToken.None);
            }

            return new IntakeRedelivered(intent.DeliveryId, entry, sameBody);
        }

        var attempt = await processor.AttemptAsync(entry, new AttemptStart(onItsWay, mark, TicketKnown: true), limit.Token);

        // A follow-up after an attempt that merely ran out of time (a slow Kibana) tries again at once, with the queue's longer bound.
        var early = followUp is not null && attempt.Outcome is null && attempt.Status == DeliveryStatus.Retrying;
        await queue.AfterAttemptAsync(new DeliveryMessage(intent.Source, intent.DeliveryId, early, attempt.Status == DeliveryStatus.Retrying ? followUp : null), attempt);
        return new IntakeAttempted(intent.DeliveryId, entry, attempt);
    }

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}

using AssignBridge.Kibana;
using AssignBridge.Platform.Queues;
using Microsoft.Extensions.Options;

namespace AssignBridge.Delivery;

/// <summary>What handling one queue message came to.</summary>
internal enum QueueHandling
{
    /// <summary>Attempted; the journal holds the result (and a retrying delivery is queued again, a dead one poisoned).</summary>
    Attempted,

    /// <summary>The journal row had already ended (applied, rejected, dead): nothing was sent to Kibana.</summary>
    AlreadyEnded,

    /// <summary>Not due yet or claimed by another attempt: queued again for when it is.</summary>
    Deferred,

    /// <summary>Another attempt holds the row; its own outcome decides what comes next.</summary>
    TakenByOther,

    /// <summary>The journal holds no such delivery (the row was purged): nothing to do.</summary>
    Missing,
}

/// <summary>What handling one message came to, and the journal status an attempt left (null when none was made).</summary>
internal sealed record QueueResult(QueueHandling Handling, DeliveryStatus? Status = null);

// Applies one delivery message, the same under the Functions host's queue trigger and the standalone poller: read the
// journal row, claim it (so a duplicate message or a racing instance never makes a second Kibana effect), attempt it
// (coalescing with others in flight), and queue what follows. It throws only when the journal cannot be read or
// claimed, so that the message is tried again and, after the dequeue limit, lands in the poison queue while the
// journal row stays due for the reconcile sweep.
internal sealed class DeliveryQueueHandler(
    DeliveryJournal journal,
    DeliveryProcessor processor,
    DeliveryQueue queue,
    KibanaBatcher batcher,
    IEnumerable<IDeliveryFollowUp> followUps,
    IOptions<QueueOptions> options,
    TimeProvider time,
    ILogger<DeliveryQueueHandler> logger)
{
    /// <summary>How soon a message that owes a follow-up looks again at a row another attempt holds.</summary>
    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(5);

    public async Task<QueueResult> HandleAsync(DeliveryMessage message, long dequeueCount, CancellationToken cancellationToken)
    {
        // Announced from the start, journal read and claim included, as the intake does: the messages of one poll (or of
        // concurrent invocations) that carry the same space and assignees share Kibana requests.
        using var onItsWay = batcher.Expect();
        var result = await HandleCoreAsync(message, onItsWay, cancellationToken);
        Log.Handled(logger, message.Source, message.DeliveryId, dequeueCount, result.Status is { } status ? $"attempted, {JournalEntry.StatusName(status)}" : result.Handling.ToString());
        return result;
    }

    private async Task<QueueResult> HandleCoreAsync(DeliveryMessage message, KibanaBatcher.Expectation onItsWay, CancellationToken cancellationToken)
    {
        if (await journal.GetAsync(message.Source, message.DeliveryId, cancellationToken) is not { } entry)
        {
            return new QueueResult(QueueHandling.Missing);
        }

        if (entry.Status is DeliveryStatus.Applied or DeliveryStatus.Rejected or DeliveryStatus.Dead)
        {
            await ReportAsync(message.FollowUp, entry, null, cancellationToken);
            return new QueueResult(QueueHandling.AlreadyEnded);
        }

        var now = time.GetUtcNow();
        var notBefore = entry.ClaimedUntil > now ? entry.ClaimedUntil
            : !message.Early && entry.NextAttemptAt > now ? entry.NextAttemptAt
            : (DateTimeOffset?)null;
        if (notBefore is { } later)
        {
            // Early (a duplicate, or sent before a back-off grew) or held by a running attempt: look again then.
            await queue.EnqueueAsync(message, later - now, cancellationToken);
            return new QueueResult(QueueHandling.Deferred);
        }

        if (await journal.TryClaimAsync(entry, cancellationToken) is not { } claimed)
        {
            if (message.FollowUp is not null)
            {
                await queue.EnqueueAsync(message, Pause, cancellationToken); // the other attempt does not know who waits
            }

            return new QueueResult(QueueHandling.TakenByOther);
        }

        AttemptResult attempt;
        using (var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            bound.CancelAfter(TimeSpan.FromSeconds(options.Value.AttemptSeconds));
            attempt = await processor.AttemptAsync(claimed, new AttemptStart(onItsWay), bound.Token); // never throws: every end is a journal state
        }

        var next = message with { Early = false }; // the next attempt waits for its back-off
        if (attempt.Status == DeliveryStatus.Retrying && message.FollowUp is { } note && attempt.NextAttemptAt > note.Until)
        {
            // The sender's answer cannot wait for the next attempt: say so now, and go on without it.
            if (FollowUpFor(note) is { } followUp)
            {
                await followUp.ReportStillPendingAsync(note, claimed, cancellationToken);
            }

            next = message with { FollowUp = null };
        }

        await queue.AfterAttemptAsync(next, attempt);
        if (attempt.Status != DeliveryStatus.Retrying)
        {
            await ReportAsync(message.FollowUp, claimed with { Status = attempt.Status, LastError = attempt.Error }, attempt, cancellationToken);
        }

        return new QueueResult(QueueHandling.Attempted, attempt.Status);
    }

    private async Task ReportAsync(FollowUpNote? note, JournalEntry entry, AttemptResult? attempt, CancellationToken cancellationToken)
    {
        if (note is not null && FollowUpFor(note) is { } followUp)
        {
            await followUp.ReportAsync(note, entry, attempt, cancellationToken);
        }
    }

    private IDeliveryFollowUp? FollowUpFor(FollowUpNote note) => followUps.FirstOrDefault(f => string.Equals(f.Kind, note.Kind, StringComparison.Ordinal));
}

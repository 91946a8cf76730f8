using AssignBridge.Assignments;
using AssignBridge.Audit;
using AssignBridge.Kibana;
using AssignBridge.People;
using AssignBridge.Platform.Telemetry;
using AssignBridge.Secrets;
using Azure;

namespace AssignBridge.Delivery;

/// <summary>What one attempt at a journaled delivery came to.</summary>
/// <param name="KibanaDown">It waits because Kibana could not be reached (no answer, 408 or 5xx) and did not ask for a wait of its own.</param>
/// <param name="KibanaAnswered">It applied at least one Kibana request: Kibana is up.</param>
internal sealed record AttemptResult(DeliveryStatus Status, AssignmentOutcome? Outcome, string? Error, DateTimeOffset? NextAttemptAt, bool KibanaDown = false, bool KibanaAnswered = false);

// Makes one attempt at a claimed delivery and writes its result to the journal: applied; retrying with
// back-off when the failure may pass (Kibana 408/429/5xx or an answer that is not Kibana's, timeouts, a store or
// Key Vault briefly down, a failure nobody foresaw); dead once the attempts are spent; rejected at once when
// trying again cannot help (Kibana 400/401/403/404, people unmapped under the Reject policy, a request that breaks
// a rule). Whatever the attempt throws, it ends in one of those states: nothing escapes to the caller.
// A delivery of a source with an IDeliveryApplier (two-way sync's ticket writes) goes the same way, applied by it instead.
internal sealed class DeliveryProcessor(AssignmentService service, IEnumerable<IDeliveryApplier> appliers, DeliveryJournal journal, EffectProjector projector, ILogger<DeliveryProcessor> logger)
{
    public Task<AttemptResult> AttemptAsync(JournalEntry claimed, CancellationToken cancellationToken) => AttemptAsync(claimed, null, cancellationToken);

    /// <param name="claimed">The delivery, claimed by the caller (the claim counted this attempt).</param>
    /// <param name="start">What the caller already started for this attempt (its Kibana batch announcement, the ticket read).</param>
    /// <param name="cancellationToken">The attempt's deadline; its result is recorded even when it passes.</param>
    public async Task<AttemptResult> AttemptAsync(JournalEntry claimed, AttemptStart? start, CancellationToken cancellationToken)
    {
        using var telemetry = AssignBridgeTelemetry.Delivery(logger, claimed.Intent.Source, claimed.Intent.DeliveryId, claimed.Intent.Alerts.Count, "attempt"); // span + DeliveryId/Source logging scope
        var progress = new AttemptProgress(claimed.Done, claimed.Projected ? null : claimed.Effects, DeliveryJournal.EffectBudget(claimed));
        AssignmentOutcome? outcome = null;
        string? error;
        bool retryable;
        TimeSpan? retryAfter = null;
        int? kibanaStatus = null; // what Kibana answered the failed request (0: no answer), when a Kibana request failed
        if (claimed.Attempts > journal.MaxAttempts)
        {
            // Claimed once more after the last attempt never reported back (its instance stopped): the budget is spent.
            (error, retryable) = ($"the last of {journal.MaxAttempts} attempts ended without a result (the instance stopped or ran out of time)", true);
        }
        else
        {
            try
            {
                outcome = appliers.FirstOrDefault(a => a.Source == claimed.Source) is { } applier
                    ? await applier.ApplyAsync(claimed.Intent, cancellationToken)
                    : await service.ApplyAsync(claimed.Intent, progress, start, cancellationToken);
                (error, retryable, retryAfter) = outcome.Status switch
                {
                    AssignmentStatus.Applied or AssignmentStatus.NothingToApply => (null, false, null),
                    AssignmentStatus.Unmapped => ($"unmapped: {string.Join(", ", outcome.Unresolved.Select(u => u.Role == "ticket" ? $"{u.Person} ({u.Reason})" : u.Person))}", false, null),
                    _ => ($"Kibana {outcome.Error!.Status}: {outcome.Error.Message}", outcome.Error.Retryable, outcome.Error.RetryAfter),
                };
                kibanaStatus = outcome.Error?.Status;
            }
            catch (Exception exception)
            {
                (error, retryable, retryAfter) = Classify(exception, progress, cancellationToken);
                kibanaStatus = (exception as KibanaRequestException)?.StatusCode;
                Log.AttemptFailed(logger, claimed.Source, claimed.DeliveryId, exception.GetType().Name, retryable, error);
            }
        }

        var status = error is null ? DeliveryStatus.Applied
            : !retryable ? DeliveryStatus.Rejected
            : claimed.Attempts >= journal.MaxAttempts ? DeliveryStatus.Dead
            : DeliveryStatus.Retrying;
        DateTimeOffset? next = status == DeliveryStatus.Retrying ? journal.NextAttempt(claimed.Attempts - 1, retryAfter) : null;

        // Recorded even when the caller gave up waiting: the result must not be lost with the request. When even this
        // write fails, the row keeps its claim and becomes due again when the claim expires; the attempt was counted,
        // and the requests it applied are sent and recorded again (each is idempotent).
        ETag? etag;
        var effects = progress.Effects;
        try
        {
            etag = await journal.CompleteAsync(claimed, status, error, next, progress.Done, effects, status == DeliveryStatus.Applied ? progress.Ticket : null, CancellationToken.None);
        }
        catch (JournalUnavailableException exception)
        {
            Log.OutcomeNotWritten(logger, claimed.Source, claimed.DeliveryId, JournalEntry.StatusName(status), exception.Message);
            etag = null;
        }

        var written = etag is not null;
        if (etag is { } carried && effects.Count > 0)
        {
            projector.Start(claimed.Intent, carried, effects, progress.Fresh, progress.Holds);
        }
        else
        {
            progress.Release();
        }

        Log.Attempted(logger, claimed.Source, claimed.DeliveryId, claimed.Attempts, JournalEntry.StatusName(status), written, error ?? "none");
        AssignBridgeTelemetry.Attempted(claimed.Source, JournalEntry.StatusName(status), outcome?.Unresolved.Count ?? 0);
        var kibanaDown = status == DeliveryStatus.Retrying && retryAfter is null && kibanaStatus is 0 or 408 or >= 500;
        return new AttemptResult(status, outcome, error, next, kibanaDown, KibanaAnswered: progress.DoneNow > 0);
    }

    /// <summary>Why an attempt that threw ended, in words an operator can act on, and whether trying again may help.</summary>
    private static (string Error, bool Retryable, TimeSpan? RetryAfter) Classify(Exception exception, AttemptProgress progress, CancellationToken cancellationToken) => exception switch
    {
        // The caller's deadline passed mid-attempt; the requests are idempotent, and those applied and recorded are not sent again.
        OperationCanceledException when cancellationToken.IsCancellationRequested =>
            ($"the attempt ran out of time while {progress.Step} ({progress.Done.Count} of {progress.Planned} Kibana requests applied and recorded)", true, null),
        PeopleUnavailableException or JournalUnavailableException or AuditUnavailableException or SecretUnavailableException => (exception.Message, true, null),
        KibanaRequestException kibana => ($"Kibana {kibana.StatusCode}: {kibana.KibanaMessage}", kibana.IsRetryable, kibana.RetryAfter),
        Tickets.TicketWriteException ticket => (ticket.Message, ticket.IsRetryable, ticket.RetryAfter),
        // The delivery itself breaks a rule (a space or id Kibana would refuse): no attempt can pass.
        ArgumentException or FormatException or InvalidDataException =>
            ($"the delivery cannot be applied: {exception.Message}", false, null),
        // Nobody foresaw it: it may pass (and the attempts bound how often), and the log names its type.
        _ => ($"unexpected {exception.GetType().Name} while {progress.Step}: {exception.Message}", true, null),
    };
}

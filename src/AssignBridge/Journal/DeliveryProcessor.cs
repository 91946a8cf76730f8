using AssignBridge.Audit;
using AssignBridge.Assignments;
using AssignBridge.People;
using AssignBridge.Telemetry;

namespace AssignBridge.Journal;

/// <summary>What one attempt at a journaled delivery came to.</summary>
internal sealed record AttemptResult(DeliveryStatus Status, AssignmentOutcome? Outcome, string? Error, DateTimeOffset? NextAttemptAt);

/// <summary>
/// Makes one attempt at a claimed delivery and writes its result to the journal: applied; retrying with
/// back-off when the failure may pass (Kibana 408/429/5xx, timeouts, a store or Key Vault briefly down);
/// dead once the attempts are spent; rejected at once when trying again cannot help (Kibana 400/401/403/404,
/// people unmapped under the Reject policy).
/// </summary>
internal sealed class DeliveryProcessor(AssignmentService service, DeliveryJournal journal, ILogger<DeliveryProcessor> logger)
{
    public Task<AttemptResult> AttemptAsync(JournalEntry claimed, CancellationToken cancellationToken) => AttemptAsync(claimed, null, cancellationToken);

    /// <param name="claimed">The delivery, claimed by the caller.</param>
    /// <param name="ticketRead">The ticket's newest applied event, when the caller already started reading it; read here otherwise.</param>
    /// <param name="cancellationToken">The attempt's deadline; its result is recorded even when it passes.</param>
    public async Task<AttemptResult> AttemptAsync(JournalEntry claimed, Task<TicketMark?>? ticketRead, CancellationToken cancellationToken)
    {
        using var telemetry = AssignBridgeTelemetry.Delivery(logger, claimed.Intent, "attempt"); // span + DeliveryId/Source logging scope
        AssignmentOutcome? outcome = null;
        string? error;
        bool retryable;
        TimeSpan? retryAfter = null;
        try
        {
            outcome = await service.ApplyAsync(claimed.Intent, ticketRead, cancellationToken);
            (error, retryable, retryAfter) = outcome.Status switch
            {
                AssignmentStatus.Applied or AssignmentStatus.NothingToApply => (null, false, null),
                AssignmentStatus.Unmapped => ($"unmapped: {string.Join(", ", outcome.Unresolved.Select(u => u.Person))}", false, null),
                _ => ($"Kibana {outcome.Error!.Status}: {outcome.Error.Message}", outcome.Error.Retryable, outcome.Error.RetryAfter),
            };
        }
        catch (Exception exception) when (exception is PeopleUnavailableException or JournalUnavailableException or AuditUnavailableException)
        {
            (error, retryable) = (exception.Message, true);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller's deadline passed mid-attempt; the requests are idempotent, so the next attempt redoes them.
            (error, retryable) = ("the attempt ran out of time", true);
        }

        var status = error is null ? DeliveryStatus.Applied
            : !retryable ? DeliveryStatus.Rejected
            : claimed.Attempts + 1 >= journal.MaxAttempts ? DeliveryStatus.Dead
            : DeliveryStatus.Retrying;
        DateTimeOffset? next = status == DeliveryStatus.Retrying ? journal.NextAttempt(claimed.Attempts, retryAfter) : null;

        // Recorded even when the caller gave up waiting: the result must not be lost with the request.
        var written = await journal.CompleteAsync(claimed, status, error, next, CancellationToken.None);
        Log.Attempted(logger, claimed.Source, claimed.DeliveryId, claimed.Attempts + 1, JournalEntry.StatusName(status), written);
        AssignBridgeTelemetry.Attempted(claimed, status, outcome);
        return new AttemptResult(status, outcome, error, next);
    }
}

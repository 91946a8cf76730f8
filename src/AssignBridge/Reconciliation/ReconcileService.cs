using System.Diagnostics;
using System.Text.Json.Serialization;
using AssignBridge.Assignments;
using AssignBridge.Audit;
using AssignBridge.Delivery;
using AssignBridge.Kibana;
using AssignBridge.People;
using AssignBridge.Platform.Storage;
using AssignBridge.Platform.Telemetry;
using Microsoft.Extensions.Options;

namespace AssignBridge.Reconciliation;

internal sealed record ReconcileReport(
    [property: JsonPropertyName("ran")] bool Ran,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("overdue")] int Overdue,
    [property: JsonPropertyName("queued")] int Queued,
    [property: JsonPropertyName("notQueued")] int NotQueued,
    [property: JsonPropertyName("durationMs")] long DurationMs,
    [property: JsonPropertyName("drift")] DriftReport? Drift = null)
{
    /// <summary>Two-way sync's look at linked tickets (null when no source has it turned on).</summary>
    [JsonPropertyName("sync")]
    public Sync.SyncReport? Sync { get; init; }

    /// <summary>Deliveries whose managed-assignee and audit rows the run wrote, their own writing having been cut off.</summary>
    [JsonPropertyName("projected")]
    public int Projected { get; init; }
}

/// <summary>What the drift check compared, found missing in Kibana, and put back.</summary>
internal sealed record DriftReport(
    [property: JsonPropertyName("checked")] int Checked,
    [property: JsonPropertyName("found")] int Found,
    [property: JsonPropertyName("repaired")] int Repaired,
    [property: JsonPropertyName("error")] string? Error);

// One reconciliation run. The sweep: journal rows overdue by more than RequeueGraceSeconds
// have lost their queue message (the instance stopped between journal write and enqueue, a queue write failed, a
// message went to the poison queue while storage was down), so each gets a new one; a duplicate is harmless because
// every attempt claims its row first. Then, when configured, the drift check, and the audit retention purge.
// Under the Functions host the timer trigger runs it, and the host's singleton lock keeps it to one instance.
internal sealed class ReconcileService(
    DeliveryJournal journal,
    DeliveryQueue queue,
    ManagedAssignees managed,
    EffectProjector projector,
    KibanaClient kibana,
    AuditLog audit,
    Sync.TicketSyncSweep sync,
    IOptions<ReconcileOptions> options,
    IOptions<KibanaOptions> kibanaOptions,
    TimeProvider time,
    ILogger<ReconcileService> logger)
{
    private readonly string _runner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():n}";

    public async Task<ReconcileReport> RunAsync(CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(TimeSpan.FromSeconds(options.Value.MaxSeconds));
        IReadOnlyList<JournalEntry> overdue;
        try
        {
            overdue = await journal.DueAsync(options.Value.BatchSize, TimeSpan.FromSeconds(options.Value.RequeueGraceSeconds), budget.Token);
        }
        catch (Exception exception) when (exception is JournalUnavailableException || StorageGuard.Reason(exception, cancellationToken) is not null)
        {
            var reason = exception is JournalUnavailableException ? exception.Message : $"the journal could not be used ({StorageGuard.Reason(exception, cancellationToken)})";
            Log.RunFailed(logger, reason);
            return new ReconcileReport(false, $"{reason}; the next run tries again", 0, 0, 0, 0);
        }

        int queued = 0, notQueued = 0;
        foreach (var entry in overdue)
        {
            if (budget.IsCancellationRequested)
            {
                notQueued += overdue.Count - queued - notQueued;
                break;
            }

            if (await queue.EnqueueAsync(new DeliveryMessage(entry.Source, entry.DeliveryId), TimeSpan.Zero, budget.Token))
            {
                queued++;
            }
            else
            {
                notQueued++; // still overdue: the next run tries again
            }
        }

        // Rows whose managed-assignee and audit rows were still being written when their instance stopped: written
        // now (from the effects the journal row carries), before the drift check reads the managed assignees.
        var projected = 0;
        if (!budget.IsCancellationRequested)
        {
            try
            {
                await projector.WhenIdleAsync().WaitAsync(budget.Token); // this instance's own, being written now
                projected = await projector.SweepAsync(options.Value.BatchSize, TimeSpan.FromSeconds(options.Value.RequeueGraceSeconds), budget.Token);
            }
            catch (Exception exception) when (exception is JournalUnavailableException or AuditUnavailableException || StorageGuard.Reason(exception, budget.Token) is not null || exception is OperationCanceledException && budget.IsCancellationRequested)
            {
                Log.ProjectionSweepFailed(logger, exception is OperationCanceledException ? "ran out of time" : StorageGuard.Reason(exception, CancellationToken.None) ?? exception.Message);
            }
        }

        DriftReport? drift = null;
        if (options.Value.DriftCheck && !budget.IsCancellationRequested)
        {
            drift = await CheckDriftAsync(budget.Token);
        }

        // Two-way sync: a page of linked tickets compared with Kibana; what a ticket must follow is queued like a delivery.
        var synced = budget.IsCancellationRequested ? null : await sync.RunAsync(budget.Token);

        await audit.PurgeExpiredAsync(budget.Token); // audit retention, a bounded batch per run; never throws

        var report = new ReconcileReport(true, null, overdue.Count, queued, notQueued, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, drift) { Projected = projected, Sync = synced };
        Log.Ran(logger, report.Overdue, report.Queued, report.NotQueued, report.DurationMs);
        AssignBridgeTelemetry.Reconciled(report.Ran, report.Drift is { } found ? (found.Found, found.Repaired) : null);
        return report;
    }

    // Compares the assignees the bridge put on alerts recently with Kibana's, and adds back those that went
    // missing. Only bridge-managed assignees are touched; alerts that no longer exist are left alone.
    private async Task<DriftReport> CheckDriftAsync(CancellationToken cancellationToken)
    {
        int found = 0, repaired = 0;
        IReadOnlyList<ManagedAssignee> rows = [];
        try
        {
            rows = await managed.RecentAsync(time.GetUtcNow().AddHours(-options.Value.DriftWindowHours), options.Value.DriftBatchSize, cancellationToken);
            foreach (var space in rows.GroupBy(r => r.Space, StringComparer.Ordinal))
            {
                var current = await kibana.GetAssigneesAsync(space.Key, space.Select(r => r.AlertId).Distinct(StringComparer.Ordinal).ToList(), cancellationToken);
                var missing = space.Where(r => current.TryGetValue(r.AlertId, out var uids) && !uids.Contains(r.Uid, StringComparer.Ordinal)).ToList();
                found += missing.Count;
                foreach (var uid in missing.GroupBy(r => r.Uid, StringComparer.Ordinal))
                {
                    foreach (var chunk in uid.Select(r => r.AlertId).Distinct(StringComparer.Ordinal).Chunk(kibanaOptions.Value.MaxIdsPerRequest))
                    {
                        var response = await kibana.SetAssigneesAsync(space.Key, chunk, [uid.Key], [], cancellationToken);
                        repaired += chunk.Length;

                        // A repair is a change the bridge made like any other: it goes into the audit trail, under the reconcile run.
                        var repair = new AssignmentIntent(
                            "reconcile", $"drift-{_runner}-{time.GetUtcNow():yyyyMMddHHmmss}", "drift repair",
                            [.. chunk.Select(id => new AlertRef(space.Key, id))], [PersonRef.ForUid(uid.Key)], [], "reconcile");
                        await audit.RecordAppliedAsync(space.Key, chunk, [uid.Key], [], repair, response, cancellationToken);
                    }
                }
            }
        }
        catch (Exception exception) when (exception is KibanaRequestException or AuditUnavailableException or Secrets.SecretUnavailableException or JournalUnavailableException
            || exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            return new DriftReport(rows.Count, found, repaired, exception is OperationCanceledException ? "the run's time was spent; the rest is checked next run" : exception.Message);
        }

        Log.Drift(logger, rows.Count, found, repaired);
        return new DriftReport(rows.Count, found, repaired, null);
    }
}

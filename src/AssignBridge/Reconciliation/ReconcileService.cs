using System.Diagnostics;
using AssignBridge.Assignments;
using System.Text.Json.Serialization;
using AssignBridge.Hosting;
using AssignBridge.Journal;
using AssignBridge.Kibana;
using AssignBridge.People;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace AssignBridge.Reconciliation;

internal sealed record ReconcileReport(
    [property: JsonPropertyName("ran")] bool Ran,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("due")] int Due,
    [property: JsonPropertyName("attempted")] int Attempted,
    [property: JsonPropertyName("applied")] int Applied,
    [property: JsonPropertyName("retrying")] int Retrying,
    [property: JsonPropertyName("rejected")] int Rejected,
    [property: JsonPropertyName("dead")] int Dead,
    [property: JsonPropertyName("takenByOthers")] int TakenByOthers,
    [property: JsonPropertyName("durationMs")] long DurationMs,
    [property: JsonPropertyName("drift")] DriftReport? Drift = null);

/// <summary>What the drift check compared, found missing in Kibana, and put back.</summary>
internal sealed record DriftReport(
    [property: JsonPropertyName("checked")] int Checked,
    [property: JsonPropertyName("found")] int Found,
    [property: JsonPropertyName("repaired")] int Repaired,
    [property: JsonPropertyName("error")] string? Error);

/// <summary>
/// One reconciliation run: the deliveries whose next attempt is due, bounded in number and time. A lease row in
/// the journal table (taken and released with ETags) makes sure only one instance runs at a time; a lease left by
/// a crashed instance expires.
/// </summary>
internal sealed class ReconcileService(
    DeliveryJournal journal,
    DeliveryProcessor processor,
    ManagedAssignees managed,
    KibanaClient kibana,
    Audit.AuditLog audit,
    IOptions<ReconcileOptions> options,
    IOptions<KibanaOptions> kibanaOptions,
    TimeProvider time,
    ILogger<ReconcileService> logger)
{
    private const string LeasePartition = "$lease";
    private const string LeaseRow = "reconcile";
    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():n}";

    public async Task<ReconcileReport> RunAsync(CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var limit = TimeSpan.FromSeconds(options.Value.MaxSeconds);
        ETag? lease;
        try
        {
            lease = await TryTakeLeaseAsync(limit + TimeSpan.FromSeconds(30), cancellationToken);
        }
        catch (Exception exception) when (StorageGuard.Reason(exception, cancellationToken) is { } reason)
        {
            Log.RunFailed(logger, $"the journal could not be used ({reason})");
            return new ReconcileReport(false, $"the journal could not be used ({reason}); the next run tries again", 0, 0, 0, 0, 0, 0, 0, 0);
        }

        if (lease is null)
        {
            Log.LeaseHeld(logger);
            return new ReconcileReport(false, "another instance holds the reconcile lease", 0, 0, 0, 0, 0, 0, 0, 0);
        }

        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(limit);
        int due = 0, attempted = 0, taken = 0;
        var counts = new Dictionary<DeliveryStatus, int>();
        DriftReport? drift = null;
        try
        {
            IReadOnlyList<JournalEntry> entries;
            try
            {
                entries = await journal.DueAsync(options.Value.BatchSize, cancellationToken);
            }
            catch (JournalUnavailableException exception)
            {
                Log.RunFailed(logger, exception.Message);
                entries = []; // nothing is lost: the rows stay due for the next run
            }

            due = entries.Count;
            foreach (var entry in entries)
            {
                if (budget.IsCancellationRequested)
                {
                    break;
                }

                JournalEntry? claimed;
                try
                {
                    claimed = await journal.TryClaimAsync(entry, cancellationToken);
                }
                catch (JournalUnavailableException exception)
                {
                    // One row that cannot be claimed now is left for the next run; the others go on.
                    Log.ClaimFailed(logger, entry.Source, entry.DeliveryId, exception.Message);
                    continue;
                }

                if (claimed is null)
                {
                    taken++;
                    continue;
                }

                attempted++;
                var result = await processor.AttemptAsync(claimed, budget.Token); // never throws: every end is a journal state
                counts[result.Status] = counts.GetValueOrDefault(result.Status) + 1;
            }

            if (options.Value.DriftCheck && !budget.IsCancellationRequested)
            {
                drift = await CheckDriftAsync(budget.Token);
            }

            await audit.PurgeExpiredAsync(budget.Token); // audit retention, a bounded batch per run; never throws
        }
        finally
        {
            await ReleaseLeaseAsync(lease.Value);
        }

        var report = new ReconcileReport(true, null, due, attempted,
            counts.GetValueOrDefault(DeliveryStatus.Applied), counts.GetValueOrDefault(DeliveryStatus.Retrying),
            counts.GetValueOrDefault(DeliveryStatus.Rejected), counts.GetValueOrDefault(DeliveryStatus.Dead), taken,
            (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, drift);
        Log.Ran(logger, report.Due, report.Attempted, report.Applied, report.Retrying, report.Rejected, report.Dead, report.DurationMs);
        Telemetry.AssignBridgeTelemetry.Reconciled(report);
        return report;
    }

    /// <summary>
    /// Compares the assignees the bridge put on alerts recently with Kibana's, and adds back those that went
    /// missing. Only bridge-managed assignees are touched; alerts that no longer exist are left alone.
    /// </summary>
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
                            "reconcile", $"drift-{_owner}-{time.GetUtcNow():yyyyMMddHHmmss}", "drift repair",
                            [.. chunk.Select(id => new AlertRef(space.Key, id))], [PersonRef.ForUid(uid.Key)], [], "reconcile");
                        await audit.RecordAppliedAsync(space.Key, chunk, [uid.Key], [], repair, response, cancellationToken);
                    }
                }
            }
        }
        catch (Exception exception) when (exception is KibanaRequestException or Audit.AuditUnavailableException or Secrets.SecretUnavailableException or JournalUnavailableException
            || exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            return new DriftReport(rows.Count, found, repaired, exception is OperationCanceledException ? "the run's time was spent; the rest is checked next run" : exception.Message);
        }

        Log.Drift(logger, rows.Count, found, repaired);
        return new DriftReport(rows.Count, found, repaired, null);
    }

    private async Task<ETag?> TryTakeLeaseAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        var table = journal.Table;
        await table.CreateIfNotExistsAsync(cancellationToken);
        var now = time.GetUtcNow();
        var lease = new TableEntity(LeasePartition, LeaseRow) { ["Owner"] = _owner, ["Until"] = now + duration };
        var existing = await table.GetEntityIfExistsAsync<TableEntity>(LeasePartition, LeaseRow, cancellationToken: cancellationToken);
        try
        {
            if (!existing.HasValue)
            {
                return (await table.AddEntityAsync(lease, cancellationToken)).Headers.ETag;
            }

            if (existing.Value!.GetDateTimeOffset("Until") > now)
            {
                return null;
            }

            return (await table.UpdateEntityAsync(lease, existing.Value.ETag, TableUpdateMode.Replace, cancellationToken)).Headers.ETag;
        }
        catch (RequestFailedException exception) when (exception.Status is 409 or 412)
        {
            return null; // another instance got there first
        }
    }

    private async Task ReleaseLeaseAsync(ETag etag)
    {
        try
        {
            await journal.Table.UpdateEntityAsync(new TableEntity(LeasePartition, LeaseRow) { ["Owner"] = _owner, ["Until"] = time.GetUtcNow() }, etag, TableUpdateMode.Replace);
        }
        catch (RequestFailedException exception) when (exception.Status == 412)
        {
            // Our lease expired and someone else took it: theirs now.
        }
        catch (Exception exception) when (StorageGuard.Reason(exception) is { } reason)
        {
            // The lease expires on its own; the run's report must not be lost for it.
            Log.RunFailed(logger, $"the reconcile lease could not be released ({reason}); it expires on its own");
        }
    }
}

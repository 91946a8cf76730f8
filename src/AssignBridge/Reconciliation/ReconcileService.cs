using System.Diagnostics;
using System.Text.Json.Serialization;
using AssignBridge.Journal;
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
    [property: JsonPropertyName("durationMs")] long DurationMs);

/// <summary>
/// One reconciliation run: the deliveries whose next attempt is due, bounded in number and time. A lease row in
/// the journal table (taken and released with ETags) makes sure only one instance runs at a time; a lease left by
/// a crashed instance expires.
/// </summary>
internal sealed class ReconcileService(DeliveryJournal journal, DeliveryProcessor processor, IOptions<ReconcileOptions> options, TimeProvider time, ILogger<ReconcileService> logger)
{
    private const string LeasePartition = "$lease";
    private const string LeaseRow = "reconcile";
    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():n}";

    public async Task<ReconcileReport> RunAsync(CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var limit = TimeSpan.FromSeconds(options.Value.MaxSeconds);
        var lease = await TryTakeLeaseAsync(limit + TimeSpan.FromSeconds(30), cancellationToken);
        if (lease is null)
        {
            Log.LeaseHeld(logger);
            return new ReconcileReport(false, "another instance holds the reconcile lease", 0, 0, 0, 0, 0, 0, 0, 0);
        }

        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(limit);
        int due = 0, attempted = 0, taken = 0;
        var counts = new Dictionary<DeliveryStatus, int>();
        try
        {
            var entries = await journal.DueAsync(options.Value.BatchSize, cancellationToken);
            due = entries.Count;
            foreach (var entry in entries)
            {
                if (budget.IsCancellationRequested)
                {
                    break;
                }

                if (await journal.TryClaimAsync(entry, cancellationToken) is not { } claimed)
                {
                    taken++;
                    continue;
                }

                attempted++;
                var result = await processor.AttemptAsync(claimed, budget.Token);
                counts[result.Status] = counts.GetValueOrDefault(result.Status) + 1;
            }
        }
        finally
        {
            await ReleaseLeaseAsync(lease.Value);
        }

        var report = new ReconcileReport(true, null, due, attempted,
            counts.GetValueOrDefault(DeliveryStatus.Applied), counts.GetValueOrDefault(DeliveryStatus.Retrying),
            counts.GetValueOrDefault(DeliveryStatus.Rejected), counts.GetValueOrDefault(DeliveryStatus.Dead), taken,
            (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        Log.Ran(logger, report.Due, report.Attempted, report.Applied, report.Retrying, report.Rejected, report.Dead, report.DurationMs);
        return report;
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
    }
}

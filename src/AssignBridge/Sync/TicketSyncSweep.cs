using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using AssignBridge.Assignments;
using AssignBridge.Audit;
using AssignBridge.Delivery;
using AssignBridge.Kibana;
using AssignBridge.People;
using AssignBridge.Secrets;
using AssignBridge.Tickets;
using Microsoft.Extensions.Options;

namespace AssignBridge.Sync;

/// <summary>What one sync sweep looked at and did.</summary>
internal sealed record SyncReport(
    [property: JsonPropertyName("tickets")] int Tickets,
    [property: JsonPropertyName("journaled")] int Journaled,
    [property: JsonPropertyName("written")] int Written,
    [property: JsonPropertyName("planned")] int Planned,
    [property: JsonPropertyName("conflicts")] int Conflicts,
    [property: JsonPropertyName("wrapped")] bool Wrapped,
    [property: JsonPropertyName("error")] string? Error);

// Two-way sync's polling half, run by reconciliation: a page of linked tickets (from where the last run stopped),
// their alerts' assignees read from Kibana through signals/search, the rules (SyncRules) applied, and each ticket
// that must follow Kibana taken in as a delivery of its own (source "kibana"): journaled and attempted at once through
// DeliveryIntake, then retried from the queue, dead-lettered and replayed like any delivery (TicketSyncApplier). What was seen is remembered only after
// the ticket's delivery is journaled, so a run cut short repeats its work and the same delivery id dedupes it.
internal sealed class TicketSyncSweep(
    TicketLinks links,
    KibanaClient kibana,
    DeliveryIntake intake,
    AuditLog audit,
    PeopleDirectory people,
    IEnumerable<ITicketWriter> writers,
    IEnumerable<SourceSync> sources,
    IOptions<SyncOptions> options,
    ILogger<TicketSyncSweep> logger)
{
    /// <summary>The sources with sync turned on (in dry run or for real); hosting reads them from each source's settings.</summary>
    public IReadOnlyList<SourceSync> Sources { get; } = [.. sources.Where(s => s.Enabled)];

    /// <summary>One page of tickets; null when no source has sync turned on.</summary>
    public async Task<SyncReport?> RunAsync(CancellationToken cancellationToken)
    {
        if (Sources.Count == 0)
        {
            return null;
        }

        // A source whose ticket API is not configured cannot write: its tickets wait (a dry run needs no API).
        var active = Sources.Where(s => s.DryRun || writers.Any(w => w.Source == s.Source && w.Configured)).ToList();
        foreach (var idle in Sources.Except(active))
        {
            Log.NotConfigured(logger, idle.Source);
        }

        if (active.Count == 0)
        {
            return new SyncReport(0, 0, 0, 0, 0, false, $"sync is on for {string.Join(", ", Sources.Select(s => s.Source))}, but no ticket API is configured (docs/two-way-sync.md)");
        }

        int tickets = 0, journaled = 0, written = 0, planned = 0, conflicts = 0;
        try
        {
            var cursor = await links.CursorAsync(cancellationToken);
            var (page, next) = await links.PageAsync([.. active.Select(s => s.Source)], cursor, options.Value.TicketsPerRun, cancellationToken);
            var current = await ReadKibanaAsync(page, cancellationToken);
            foreach (var ticket in page)
            {
                tickets++;
                var view = ticket.Alerts.Select(a => new LinkedAlert(a.Alert, a.Seen, current.GetValueOrDefault(a.Alert))).ToList();
                var decision = SyncRules.Decide(ticket.AssigneeUid, view);
                var source = active.First(s => s.Source == ticket.Source);
                switch (decision)
                {
                    case SyncFollow follow:
                        var intent = Intent(ticket, follow, view);
                        if (source.DryRun)
                        {
                            await audit.RecordTicketAsync(intent, AuditRecord.Planned, new TicketWriteAnswer(source.Source, await PlannedAssigneeAsync(source, follow, cancellationToken), $"dry run: not written ({follow.Why})"), cancellationToken);
                            planned++;
                        }
                        else
                        {
                            journaled++;
                            written += await TakeInAsync(intent, cancellationToken) ? 1 : 0;
                        }

                        Log.Follows(logger, ticket.Ticket, follow.Uid ?? "nobody", source.DryRun, follow.Why);
                        break;
                    case SyncDisagree disagree:
                        conflicts++;
                        Log.Disagree(logger, ticket.Ticket, disagree.Why);
                        await audit.RecordTicketAsync(Intent(ticket, null, view), AuditRecord.Conflict, new TicketWriteAnswer(source.Source, null, disagree.Why), cancellationToken);
                        break;
                }

                var changed = view.Where(a => a.Current is not null && (a.Seen is null || !a.Seen.SequenceEqual(a.Current, StringComparer.Ordinal))).ToList();
                if (changed.Count > 0)
                {
                    await links.RecordSeenAsync(ticket.Ticket, changed.Select(a => (a.Alert, a.Current!)), cancellationToken);
                }
            }

            await links.SaveCursorAsync(next, cancellationToken);
            return new SyncReport(tickets, journaled, written, planned, conflicts, next is null, null);
        }
        catch (Exception exception) when (exception is KibanaRequestException or JournalUnavailableException or AuditUnavailableException or SecretUnavailableException or PeopleUnavailableException
            || exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            // The rest waits for the next run, which starts from the same cursor: what was journaled dedupes.
            var reason = exception is OperationCanceledException ? "the run's time was spent; the rest is looked at next run" : exception.Message;
            Log.SweepFailed(logger, reason);
            return new SyncReport(tickets, journaled, written, planned, conflicts, false, reason);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Nobody foresaw it; the timer has nobody to throw to, and the next run starts from the same cursor.
            var reason = $"unexpected {exception.GetType().Name}: {exception.Message}";
            Log.SweepFailed(logger, reason);
            return new SyncReport(tickets, journaled, written, planned, conflicts, false, reason);
        }
    }

    /// <summary>The assignees of every alert of the page, space by space, in bounded search requests; null for an alert Kibana does not have.</summary>
    private async Task<Dictionary<AlertRef, IReadOnlyList<string>>> ReadKibanaAsync(IReadOnlyList<TicketLink> page, CancellationToken cancellationToken)
    {
        var result = new Dictionary<AlertRef, IReadOnlyList<string>>();
        foreach (var space in page.SelectMany(t => t.Alerts).Select(a => a.Alert).Distinct().GroupBy(a => a.Space, StringComparer.Ordinal))
        {
            var found = await kibana.GetAssigneesAsync(space.Key, [.. space.Select(a => a.AlertId)], cancellationToken);
            foreach (var (alertId, uids) in found)
            {
                result[new AlertRef(space.Key, alertId)] = uids;
            }
        }

        return result;
    }

    /// <summary>Journals the ticket write and makes its first attempt; true when that attempt applied it. What it did not finish is on the queue.</summary>
    /// <exception cref="JournalUnavailableException">The journal could not be written: the run stops, and what it saw is not remembered.</exception>
    private async Task<bool> TakeInAsync(AssignmentIntent intent, CancellationToken cancellationToken) =>
        await intake.AcceptAsync(intent, cancellationToken: cancellationToken) switch
        {
            IntakeAttempted attempted => attempted.Attempt.Status == DeliveryStatus.Applied,
            IntakeRedelivered => false, // journaled by an earlier run: the journal and the queue carry it
            IntakeNotRecorded notRecorded => throw new JournalUnavailableException(notRecorded.Reason, new InvalidOperationException(notRecorded.Reason)),
            IntakeRefused refused => Refused(intent, refused.Reason),
            var other => throw new InvalidOperationException($"Unexpected intake result {other.GetType().Name}."),
        };

    private bool Refused(AssignmentIntent intent, string reason)
    {
        Log.Disagree(logger, intent.Ticket?.Key ?? intent.DeliveryId, $"its write cannot be journaled ({reason})");
        return false;
    }

    private async Task<string?> PlannedAssigneeAsync(SourceSync source, SyncFollow follow, CancellationToken cancellationToken) =>
        follow.Uid is null ? null
        : writers.FirstOrDefault(w => w.Source == source.Source) is { } writer ? await people.ExternalIdAsync(follow.Uid, writer.Namespace, cancellationToken) ?? $"(no {writer.Namespace} mapping of {follow.Uid})"
        : null;

    /// <summary>
    /// The ticket write as a delivery: from the ticket's assignee (Remove) to the one it follows (Add), for the linked
    /// alerts. Its id is the same for the same ticket, change and Kibana state, so a repeated run dedupes in the journal.
    /// </summary>
    private static AssignmentIntent Intent(TicketLink ticket, SyncFollow? follow, IReadOnlyList<LinkedAlert> view)
    {
        var state = string.Join("\n", view.OrderBy(a => a.Alert.Space, StringComparer.Ordinal).ThenBy(a => a.Alert.AlertId, StringComparer.Ordinal)
            .Select(a => $"{a.Alert.Space}/{a.Alert.AlertId}={(a.Current is null ? "-" : string.Join(",", a.Current))}"));
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{ticket.Ticket}\n{ticket.AssigneeUid}\n{follow?.Uid}\n{state}")))[..32];
        return new AssignmentIntent(
            TicketSyncApplier.KibanaSource,
            $"{ticket.Ticket}:{hash}",
            ticket.Reference,
            [.. view.Select(a => a.Alert)],
            follow?.Uid is { } to ? [PersonRef.ForUid(to)] : [],
            ticket.AssigneeUid is { } from ? [PersonRef.ForUid(from)] : [],
            "kibana",
            new TicketRef(ticket.Ticket, null, null));
    }
}

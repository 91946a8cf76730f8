using AssignBridge.Assignments;
using AssignBridge.Audit;
using AssignBridge.Delivery;
using AssignBridge.People;
using AssignBridge.Tickets;

namespace AssignBridge.Sync;

// Applies one ticket write of two-way sync, journaled by TicketSyncSweep as a delivery of source "kibana": the person
// the ticket follows (Add; none: unassign) mapped back to their id in the ticketing system, the ticket read first,
// then written. DeliveryProcessor runs it like a Kibana delivery, so its outcome is journaled, a failure retried through
// the queue with back-off and dead-lettered once the attempts are spent, and a dead one replayed by an operator.
// Idempotent: a ticket that already names the person is not written again.
internal sealed class TicketSyncApplier(IEnumerable<ITicketWriter> writers, PeopleDirectory people, TicketLinks links, AuditLog audit, ILogger<TicketSyncApplier> logger) : IDeliveryApplier
{
    /// <summary>The journal source of ticket writes: changes seen in Kibana.</summary>
    public const string KibanaSource = "kibana";

    public string Source => KibanaSource;

    /// <exception cref="TicketWriteException">The ticketing system refused the read or the write, or did not answer.</exception>
    /// <exception cref="InvalidDataException">The ticket's system has no writer configured; no attempt can pass until it is.</exception>
    public async Task<AssignmentOutcome> ApplyAsync(AssignmentIntent intent, CancellationToken cancellationToken)
    {
        var ticket = intent.Ticket?.Key ?? throw new InvalidDataException("a ticket write without a ticket");
        var system = ticket[..Math.Max(ticket.IndexOf(':', StringComparison.Ordinal), 0)];
        var writer = writers.FirstOrDefault(w => w.Source == system)
            ?? throw new InvalidDataException($"no ticket writer for '{system}' tickets");
        if (!writer.Configured)
        {
            throw new InvalidDataException($"the {system} API is not configured (docs/two-way-sync.md, \"Turning it on\"); replay the delivery once it is");
        }

        var to = intent.Add.Count > 0 ? intent.Add[0].Id : null;
        var from = intent.Remove.Count > 0 ? intent.Remove[0].Id : null;
        string? personId = null;
        if (to is not null)
        {
            personId = await people.ExternalIdAsync(to, writer.Namespace, cancellationToken);
            if (personId is null)
            {
                var reason = $"no {writer.Namespace} mapping names Kibana UID {to}: add one (people set {writer.Namespace}:<id> {to}) and replay the delivery";
                return new AssignmentOutcome(AssignmentStatus.Unmapped, [], [], [new UnresolvedPerson($"uid:{to}", "ticket", reason)], [reason], null);
            }
        }

        var current = await writer.GetAssigneeAsync(ticket, cancellationToken);
        if (string.Equals(current, personId, StringComparison.Ordinal))
        {
            await links.RecordWriteAsync(ticket, to, personId, cancellationToken);
            return Done(AssignmentStatus.NothingToApply, to, personId, $"{intent.Reference ?? ticket} already names {personId ?? "nobody"}; nothing was written.");
        }

        // The ticket changed after Kibana was read (someone reassigned it): its own change is newer, and it stands.
        var currentUid = current is null ? null : (await people.ResolveAsync(new PersonRef(writer.Namespace, current), allowDefault: false, cancellationToken)).Uid;
        if (current is not null && currentUid is null || !string.Equals(currentUid, from, StringComparison.Ordinal))
        {
            var note = $"{intent.Reference ?? ticket} is assigned to {current ?? "nobody"} now, not to whom Kibana's change replaced; the ticket's newer change stands.";
            await audit.RecordTicketAsync(intent, AuditRecord.Superseded, new TicketWriteAnswer(system, personId, note), cancellationToken);
            Log.Superseded(logger, ticket, current ?? "nobody");
            return Done(AssignmentStatus.NothingToApply, to, personId, note);
        }

        await writer.SetAssigneeAsync(ticket, personId, cancellationToken);
        await links.RecordWriteAsync(ticket, to, personId, cancellationToken);
        await audit.RecordTicketAsync(intent, AuditRecord.Applied, new TicketWriteAnswer(system, personId, null), cancellationToken);
        Log.Written(logger, ticket, personId ?? "nobody");
        return Done(AssignmentStatus.Applied, to, personId, $"{intent.Reference ?? ticket} now names {personId ?? "nobody"}.");
    }

    private static AssignmentOutcome Done(AssignmentStatus status, string? uid, string? personId, string note) =>
        new(status, [], uid is null ? [] : [new ResolvedPerson($"uid:{uid}", AssignmentOutcome.AddRole, uid, "reverse", personId)], [], [note], null);
}

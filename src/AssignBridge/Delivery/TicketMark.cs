using AssignBridge.Assignments;
using Azure;

namespace AssignBridge.Delivery;

/// <summary>
/// The newest event of a ticket the bridge applied (both null: the ticket is known and nothing of it applied yet), with
/// the row's ETag for the next conditional write.
/// </summary>
internal sealed record TicketMark(long? Sequence, DateTimeOffset? ChangedAt, ETag ETag)
{
    /// <summary>True when <paramref name="ticket"/> is older than the newest event applied (sequence first, then time).</summary>
    public static bool IsSuperseded(TicketRef ticket, TicketMark? newest) =>
        newest is not null && (ticket.Sequence is { } sequence && newest.Sequence is { } seen ? sequence < seen
            : ticket.ChangedAt is { } changedAt && newest.ChangedAt is { } seenAt && changedAt < seenAt);
}

/// <summary>A ticket event to remember as its newest applied one, from the mark the attempt decided on.</summary>
internal sealed record TicketOutcome(TicketRef Ticket, TicketMark? Seen);

using AssignBridge.People;









namespace AssignBridge.Assignments;

/// <summary>An alert in a Kibana space.</summary>
internal sealed record AlertRef(string Space, string AlertId);

// The ticket behind an intent (for example jira:10002 or servicenow:incident:<sys_id>) and when the
// sender says the change happened, so that an older event never overrides a newer one for the same ticket.
// Sequence is the sender's own counter where it has one (ServiceNow sys_mod_count, a Jira changelog id).
internal sealed record TicketRef(string Key, DateTimeOffset? ChangedAt, long? Sequence);

// The one shape every source produces (ARCHITECTURE.md, "The flow"): who sent it and under which delivery id,
// the ticket or command behind it, the alerts, the people to add and to remove, and who asked.
internal sealed record AssignmentIntent(
    string Source,
    string DeliveryId,
    string? Reference,
    IReadOnlyList<AlertRef> Alerts,
    IReadOnlyList<PersonRef> Add,
    IReadOnlyList<PersonRef> Remove,
    string? RequestedBy,
    TicketRef? Ticket = null);

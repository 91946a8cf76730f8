using AssignBridge.People;

namespace AssignBridge.Assignments;

/// <summary>An alert in a Kibana space.</summary>
internal sealed record AlertRef(string Space, string AlertId);

/// <summary>
/// The one shape every source produces (ARCHITECTURE.md, "The flow"): who sent it and under which delivery id,
/// the ticket or command behind it, the alerts, the people to add and to remove, and who asked.
/// </summary>
internal sealed record AssignmentIntent(
    string Source,
    string DeliveryId,
    string? Reference,
    IReadOnlyList<AlertRef> Alerts,
    IReadOnlyList<PersonRef> Add,
    IReadOnlyList<PersonRef> Remove,
    string? RequestedBy);

namespace AssignBridge.Tickets;

/// <summary>Writes one ticketing system's assignee.</summary>
internal interface ITicketWriter
{
    /// <summary><c>"jira"</c> or <c>"servicenow"</c>: the ticket keys it takes start with this and ':'.</summary>
    string Source { get; }

    /// <summary>
    /// The people-mapping namespace its assignee ids are in: <c>"jira"</c> (Jira Cloud accountId), <c>"jira-dc"</c> (Jira
    /// Data Center user name), <c>"servicenow"</c> (as <c>ServiceNow:IdentityField</c> says: user_name or sys_id).
    /// </summary>
    string Namespace { get; }

    /// <summary>Whether its API settings are present (base URL and credentials named); false means sync for this source cannot run and the caller says so.</summary>
    bool Configured { get; }

    /// <summary>
    /// The ticket's current assignee as an id in <see cref="Namespace"/>, null when unassigned. <paramref name="ticketKey"/>:
    /// <c>"jira:{issueIdOrKey}"</c> or <c>"servicenow:{table}:{sys_id}"</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The key is not one of this writer's.</exception>
    /// <exception cref="InvalidOperationException">The writer is not <see cref="Configured"/>.</exception>
    /// <exception cref="TicketWriteException">The ticket system refused the request or did not answer.</exception>
    Task<string?> GetAssigneeAsync(string ticketKey, CancellationToken cancellationToken);

    /// <summary>Sets the assignee (null unassigns). Throws <see cref="TicketWriteException"/> for any failure answer or no answer.</summary>
    /// <exception cref="ArgumentException">The key is not one of this writer's, or the person id cannot be an assignee id.</exception>
    /// <exception cref="InvalidOperationException">The writer is not <see cref="Configured"/>.</exception>
    /// <exception cref="TicketWriteException">The ticket system refused the request or did not answer.</exception>
    Task SetAssigneeAsync(string ticketKey, string? personId, CancellationToken cancellationToken);
}

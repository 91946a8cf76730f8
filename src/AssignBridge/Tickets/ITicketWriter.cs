namespace AssignBridge.Tickets;

/// <summary>Writes one ticketing system's assignee.</summary>
internal interface ITicketWriter
{
    /// <summary>"jira" or "servicenow": the ticket keys it takes start with this and ':'.</summary>
    string Source { get; }

    /// <summary>The people-mapping namespace its assignee ids are in.</summary>
    string Namespace { get; }

    /// <summary>Whether its API settings are present.</summary>
    bool Configured { get; }

    /// <summary>The ticket's current assignee as an id in <see cref="Namespace"/>, null when unassigned.</summary>
    Task<string?> GetAssigneeAsync(string ticketKey, CancellationToken cancellationToken);

    /// <summary>Sets the assignee (null unassigns).</summary>
    Task SetAssigneeAsync(string ticketKey, string? personId, CancellationToken cancellationToken);
}

/// <summary>A ticket API request failed.</summary>
internal sealed class TicketWriteException(string system, int statusCode, string detail, bool isRetryable, TimeSpan? retryAfter = null)
    : Exception($"{system} {statusCode}: {detail}")
{
    public string System { get; } = system;

    public int StatusCode { get; } = statusCode;

    public string Detail { get; } = detail;

    public bool IsRetryable { get; } = isRetryable;

    public TimeSpan? RetryAfter { get; } = retryAfter;
}

using AssignBridge.Assignments;
using AssignBridge.Delivery;
using AssignBridge.Platform.Storage;

namespace AssignBridge.Sync;

// Keeps a ticket write of two-way sync from coming back into Kibana as a new delivery: the ticket's webhook reports
// the change the bridge made. Two checks, either enough: the event's actor is the bridge's own account
// (<Source>:SyncAccount: Jira's "user", ServiceNow's updated_by from sys_updated_by), or the event sets the ticket to
// exactly the person the bridge wrote there (its write is in the links table) within EchoWindow.
internal sealed class EchoGuard(IEnumerable<SourceSync> sources, TicketLinks links, TimeProvider time, ILogger<EchoGuard> logger)
{
    // Each source's switch as hosting read it; the sweep is not needed (nor built) to answer a webhook.
    private readonly SourceSync[] _synced = [.. sources.Where(s => s.Enabled)];

    /// <summary>How long after its write a matching event is taken for the bridge's own.</summary>
    public static readonly TimeSpan EchoWindow = TimeSpan.FromHours(1);

    /// <summary>Why the event is the bridge's own write coming back, or null when it is not (or sync is off for its source).</summary>
    public async Task<string?> EchoOfAsync(AssignmentIntent intent, CancellationToken cancellationToken)
    {
        if (Array.Find(_synced, s => s.Source == intent.Source) is not { } sync || intent.Ticket is not { } ticket)
        {
            return null;
        }

        if (sync.Account is { Length: > 0 } account && string.Equals(intent.RequestedBy, $"{intent.Source}:{account}", StringComparison.OrdinalIgnoreCase))
        {
            return Echo($"made by {intent.Source}:{account}, the account the bridge writes tickets as");
        }

        try
        {
            if (await links.LastWriteAsync(ticket.Key, cancellationToken) is { } written && time.GetUtcNow() - written.At <= EchoWindow
                && string.Equals(intent.Add.Count > 0 ? intent.Add[0].Id : null, written.PersonId, StringComparison.OrdinalIgnoreCase))
            {
                return Echo($"it sets the assignee the bridge wrote at {written.At:u}");
            }
        }
        catch (JournalUnavailableException exception)
        {
            // Applying an echo only repeats what Kibana already has; refusing a real change would lose it.
            Log.EchoCheckFailed(logger, intent.Source, ticket.Key, StorageGuard.Reason(exception.InnerException ?? exception, CancellationToken.None) ?? exception.Message);
        }

        return null;

        string Echo(string why)
        {
            Log.Echo(logger, intent.Source, ticket.Key, why);
            return $"the bridge's own change to {intent.Reference ?? ticket.Key} ({why})";
        }
    }
}

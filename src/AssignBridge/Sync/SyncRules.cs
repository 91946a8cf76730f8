using AssignBridge.Assignments;

namespace AssignBridge.Sync;

/// <summary>One alert linked to a ticket: its assignees when the bridge last looked, and now (null when Kibana no longer has the alert).</summary>
internal sealed record LinkedAlert(AlertRef Alert, IReadOnlyList<string>? Seen, IReadOnlyList<string>? Current);

/// <summary>What a ticket should do about its alerts' assignees.</summary>
internal abstract record SyncDecision(string Why);

/// <summary>Nothing to do: no linked alert changed since the last look, or every one still has the ticket's assignee.</summary>
internal sealed record SyncKeep(string Why) : SyncDecision(Why);

/// <summary>The ticket takes <see cref="Uid"/> (null: the ticket is unassigned).</summary>
internal sealed record SyncFollow(string? Uid, string Why) : SyncDecision(Why);

/// <summary>The alerts of the ticket ask for different things; nothing is written, the run reports it.</summary>
internal sealed record SyncDisagree(string Why) : SyncDecision(Why);

/// <summary>
/// The rules by which a ticket follows the assignees of its alerts in Kibana (docs/two-way-sync.md, "Rules"). A Jira or
/// ServiceNow ticket has one assignee; a Kibana alert has several, in the order they were added (Kibana's script keeps
/// the order and appends new UIDs: kibana-api-facts.md, "Painless script"). Pure: the sweep reads, these decide.
/// </summary>
internal static class SyncRules
{
    /// <param name="ticketAssignee">The UID of the ticket's assignee as the bridge last knew it (null: unassigned).</param>
    public static SyncDecision Decide(string? ticketAssignee, IReadOnlyList<LinkedAlert> alerts)
    {
        // Alerts gone from Kibana (deleted, or outside the search) say nothing.
        var present = alerts.Where(a => a.Current is not null).ToList();
        if (present.Count == 0)
        {
            return new SyncKeep("none of the ticket's alerts was found in Kibana");
        }

        // A ticket is looked at only when one of its alerts changed since the bridge last looked (or was never looked at).
        if (present.All(a => a.Seen is not null && a.Seen.ToHashSet(StringComparer.Ordinal).SetEquals(a.Current!)))
        {
            return new SyncKeep("no linked alert changed since the last run");
        }

        // An alert with no say (an unassigned ticket's alert nobody was added to) is left out of the vote.
        var verdicts = present.Select(a => (a.Alert, Verdict: Verdict(ticketAssignee, a))).Where(v => v.Verdict is not null).Select(v => (v.Alert, Verdict: v.Verdict!)).ToList();
        var follows = verdicts.Where(v => v.Verdict is SyncFollow).ToList();
        if (follows.Count == 0)
        {
            return new SyncKeep(ticketAssignee is null
                ? "the ticket is unassigned and nobody was added to its alerts"
                : $"{ticketAssignee} is still among the assignees of every linked alert");
        }

        var targets = follows.Select(v => ((SyncFollow)v.Verdict).Uid).Distinct(StringComparer.Ordinal).ToList();
        if (targets.Count == 1 && follows.Count == verdicts.Count)
        {
            return follows[0].Verdict;
        }

        return new SyncDisagree("the ticket's alerts disagree: " + string.Join("; ", verdicts.Select(v => $"{v.Alert.Space}/{v.Alert.AlertId} {Describe(v.Verdict)}")));
    }

    /// <summary>What one alert says: keep, follow, or (null) nothing.</summary>
    private static SyncDecision? Verdict(string? ticketAssignee, LinkedAlert alert)
    {
        var current = alert.Current!;
        if (ticketAssignee is not null)
        {
            if (current.Contains(ticketAssignee, StringComparer.Ordinal))
            {
                return new SyncKeep($"{ticketAssignee} is still assigned");
            }

            // The ticket's assignee left the alert: the ticket takes the one added most recently (the last), or nobody.
            return current.Count == 0
                ? new SyncFollow(null, $"{ticketAssignee} was removed and nobody is assigned")
                : new SyncFollow(current[^1], $"{ticketAssignee} was removed; {current[^1]} was added most recently");
        }

        // An unassigned ticket takes someone only when they were added since the last look: an alert's older assignees
        // were there when the ticket was unassigned, so they say nothing about who owns it now.
        var added = alert.Seen is null ? [] : current.Except(alert.Seen, StringComparer.Ordinal).ToList();
        return added.Count == 0
            ? null
            : new SyncFollow(added[^1], $"{added[^1]} was added to the alert of an unassigned ticket");
    }

    private static string Describe(SyncDecision verdict) => verdict switch
    {
        SyncFollow { Uid: null } => "says unassign",
        SyncFollow follow => $"says {follow.Uid}",
        _ => "keeps the ticket's assignee",
    };
}

using System.Globalization;
using System.Text;
using AssignBridge.Assignments;
using AssignBridge.Delivery;
using AssignBridge.Kibana;
using AssignBridge.People;
using Microsoft.Extensions.Options;

namespace AssignBridge.Commands;

/// <summary>How a sender's users type the command, for usage text: <c>/assign-alert</c>, or <c>@AssignBridge assign</c>.</summary>
internal sealed record CommandSyntax(string Assign, string Unassign);

/// <summary>Who sent a command and under which journal id; <see cref="Reference"/> and <see cref="RequestedBy"/> are kept with the delivery.</summary>
internal sealed record CommandContext(string Source, string DeliveryId, ChatPerson Caller, string RequestedBy, string Reference);

/// <summary>What to tell the person who typed a command.</summary>
internal abstract record CommandResult(string Text);

/// <summary>The command is over: applied, refused, or answered from the journal.</summary>
internal sealed record CommandFinished(string Text) : CommandResult(Text);

/// <summary>Journaled but not applied within the deadline; the journal holds it as retrying and the delivery queue finishes it.</summary>
internal sealed record CommandPending(string Text) : CommandResult(Text);

// Turns a parsed chat command into an AssignmentIntent, runs it through the one intake every sender
// uses (journal first, then an attempt within the deadline) and words the outcome as sentences a person can act on.
internal sealed class CommandRunner(
    PeopleDirectory people,
    DeliveryIntake intake,
    KibanaClient kibana,
    IOptions<KibanaOptions> kibanaOptions,
    IOptions<CommandsOptions> options,
    TimeProvider time,
    ILogger<CommandRunner> logger)
{
    /// <summary>Time kept back after the attempt for naming the alert ids Kibana did not find.</summary>
    private static readonly TimeSpan LookupReserve = TimeSpan.FromMilliseconds(400);

    public CommandParser Parser { get; } = new(options.Value);

    public static string Usage(CommandSyntax syntax) =>
        $"""
        Usage:
        • `{syntax.Assign} <alert-id>… [to] <person>… [in <space>]` assigns people to alerts
        • `{syntax.Assign} <alert-id>… me` assigns you
        • `{syntax.Unassign} <alert-id>… <person>… [in <space>]` unassigns them
        A person is a mention, `me`, an email address or `uid:<kibana-uid>`. Alert ids are the alerts' document ids (`_id`) in Kibana; ids and people may come in any order.
        """;

    // What every chat sender does with a message before running it: the length, the grammar, help, and whether the
    // caller may assign. Either a reply to send at once, or the command to run.
    public async Task<(ChatCommand? Command, string? Reply)> InterpretAsync(
        string text, Func<IReadOnlyList<CommandToken>> tokenize, CommandVerb verb, ChatPerson caller, string source, CommandSyntax syntax,
        string problemSeparator, CancellationToken cancellationToken)
    {
        if (Parser.CheckLength(text) is { } tooLong)
        {
            return (null, tooLong);
        }

        var parse = Parser.Parse(tokenize(), verb, caller);
        if (parse.Command is not { } parsed)
        {
            Log.NotUnderstood(logger, source, parse.Problems.Count);
            return (null, string.Join(problemSeparator, parse.Problems) + "\n\n" + Usage(syntax));
        }

        if (parsed.Verb == CommandVerb.Help)
        {
            return (null, Usage(syntax));
        }

        return await DenyCallerAsync(caller, cancellationToken) is { } refusal ? (null, refusal) : (parsed, null);
    }

    /// <summary>The command text kept with the delivery, bounded.</summary>
    public static string Summary(string text) => text.Length <= 256 ? text : text[..256];

    /// <summary>Null when the caller may act; otherwise why not, in words they can act on. Fails closed when the people table cannot be read.</summary>
    public async Task<string?> DenyCallerAsync(ChatPerson caller, CancellationToken cancellationToken)
    {
        if (!options.Value.RequireMappedCaller)
        {
            return null;
        }

        try
        {
            var resolution = await people.ResolveAsync(caller.Person, allowDefault: false, cancellationToken);
            if (resolution.IsResolved)
            {
                return null;
            }
        }
        catch (PeopleUnavailableException)
        {
            Log.CallerCheckFailed(logger, caller.Person.Namespace);
            return "I could not check who you are (the people table is unavailable), so nothing was done. Try again in a minute.";
        }

        Log.CallerUnmapped(logger, caller.Person.Namespace);
        return $"You are not mapped to a Kibana user, so I will not change alerts for you. {FixHint(caller.Person)}";
    }

    /// <param name="followUp">Who to tell the outcome when the first attempt does not finish it; it goes on the delivery queue with the delivery.</param>
    /// <param name="dryRun">The sender is in dry run: plan the command, audit the plan and say what would happen; Kibana is not called.</param>
    public async Task<CommandResult> RunAsync(ChatCommand command, CommandContext context, TimeSpan deadline, FollowUpNote? followUp, bool dryRun, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var space = command.Space ?? kibanaOptions.Value.DefaultSpace;
        var alerts = command.AlertIds.Select(id => new AlertRef(space, id)).ToList();
        var persons = command.People.Select(p => p.Person).ToList();
        var intent = command.Verb == CommandVerb.Unassign
            ? new AssignmentIntent(context.Source, context.DeliveryId, context.Reference, alerts, [], persons, context.RequestedBy)
            : new AssignmentIntent(context.Source, context.DeliveryId, context.Reference, alerts, persons, [], context.RequestedBy);

        var attemptDeadline = deadline - LookupReserve > TimeSpan.FromMilliseconds(500) ? deadline - LookupReserve : deadline;
        var result = dryRun ? await intake.DryRunAsync(intent, attemptDeadline, cancellationToken) : await intake.AcceptAsync(intent, attemptDeadline, followUp, cancellationToken);
        Log.Intake(logger, context.Source, context.DeliveryId, result.GetType().Name);
        switch (result)
        {
            case IntakePlanned planned:
                return new CommandFinished(DescribePlan(command, planned.Outcome));
            case IntakeNotRecorded when dryRun:
                return new CommandFinished("I could not plan this command (the bridge's storage is unavailable). Run it again in a minute.");
            case IntakeNotRecorded:
                return new CommandFinished("I could not record this command (the bridge's storage is unavailable), so nothing was done. Run it again in a minute.");
            case IntakeRefused refused:
                return new CommandFinished($"I could not record this command, so nothing was done: {refused.Reason}");
            case IntakeRedelivered { SameBody: false }:
                return new CommandFinished($"This command id `{context.DeliveryId}` was already used for a different command; nothing was done.");
            case IntakeRedelivered redelivered:
                return new CommandFinished(DescribeJournal(redelivered.Entry));
            case IntakeAttempted { Attempt: var attempt } when attempt.Status == DeliveryStatus.Retrying:
                return new CommandPending(PendingText(context.DeliveryId, attempt));
            case IntakeAttempted attempted:
                var remaining = deadline - time.GetElapsedTime(started);
                return new CommandFinished(await DescribeAsync(command, context, attempted.Attempt, remaining, cancellationToken));
            default:
                throw new InvalidOperationException("Unknown intake result.");
        }
    }

    /// <summary>Words the end of an attempt: what changed, who was skipped and why, which alert ids Kibana does not have.</summary>
    public async Task<string> DescribeAsync(ChatCommand command, CommandContext context, AttemptResult attempt, TimeSpan lookupBudget, CancellationToken cancellationToken)
    {
        var names = command.People.ToDictionary(p => p.Person.ToString(), p => p.Display, StringComparer.Ordinal);
        var outcome = attempt.Outcome;
        if (outcome is null)
        {
            return attempt.Status == DeliveryStatus.Dead
                ? $"I gave up on this command after repeated failures: {attempt.Error}. Nothing more will be tried (journal id `{context.DeliveryId}`)."
                : $"This command was not applied: {attempt.Error} (journal id `{context.DeliveryId}`).";
        }

        var text = new StringBuilder();
        switch (outcome.Status)
        {
            case AssignmentStatus.Applied:
                var role = command.Verb == CommandVerb.Unassign ? AssignmentOutcome.RemoveRole : AssignmentOutcome.AddRole;
                var who = Join(outcome.People.Where(p => p.Role == role).Select(p => Name(names, p.Person)).Distinct());
                var alertCount = outcome.Spaces.Sum(s => s.Alerts);
                var updated = outcome.Spaces.Sum(s => s.Updated);
                var where = Join(outcome.Spaces.Select(s => $"`{s.Space}`"));
                text.Append(command.Verb == CommandVerb.Unassign ? $"Applied: unassigned {who} from " : $"Applied: assigned {who} to ");
                text.Append(CultureInfo.InvariantCulture, $"{Plural(alertCount, "alert")} in space {where} ({updated} updated; journal id `{context.DeliveryId}`).");
                await AppendNotFoundAsync(text, command, outcome, lookupBudget, cancellationToken);
                var conflicts = outcome.Spaces.Sum(s => s.VersionConflicts);
                if (conflicts > 0 || outcome.Spaces.Any(s => s.Failures.Count > 0))
                {
                    text.Append(CultureInfo.InvariantCulture, $" Kibana reported {Plural((int)conflicts, "version conflict")} and {Plural(outcome.Spaces.Sum(s => s.Failures.Count), "failure")}; run the command again to be sure.");
                }

                break;
            case AssignmentStatus.NothingToApply:
                text.Append("Nothing changed in Kibana.");
                break;
            case AssignmentStatus.Unmapped:
                var unmapped = Join(outcome.Unresolved.Select(u => $"{Name(names, u.Person)} (`{u.Person}`)"));
                text.Append(CultureInfo.InvariantCulture, $"Nothing was changed: {unmapped} {(outcome.Unresolved.Count == 1 ? "is" : "are")} not mapped to a Kibana user. {FixHint(null)}");
                return text.ToString();
            default:
                text.Append(KibanaRefusal(outcome.Error!));
                return text.ToString();
        }

        if (outcome.Unresolved.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" Skipped, not mapped to a Kibana user: {Join(outcome.Unresolved.Select(u => $"{Name(names, u.Person)} (`{u.Person}`)"))}. {FixHint(null)}");
        }

        foreach (var note in outcome.Notes)
        {
            text.Append(' ').Append(note);
        }

        return text.ToString();
    }

    /// <summary>Words a dry run's plan: who would be assigned or unassigned on how many alerts, who was skipped; nothing changed.</summary>
    public static string DescribePlan(ChatCommand command, AssignmentOutcome outcome)
    {
        var names = command.People.ToDictionary(p => p.Person.ToString(), p => p.Display, StringComparer.Ordinal);
        var text = new StringBuilder("Dry run, nothing changed in Kibana: ");
        if (outcome.Status == AssignmentStatus.Unmapped)
        {
            text.Append(CultureInfo.InvariantCulture, $"this would be refused, {Join(outcome.Unresolved.Select(u => $"{Name(names, u.Person)} (`{u.Person}`)"))} {(outcome.Unresolved.Count == 1 ? "is" : "are")} not mapped to a Kibana user. {FixHint(null)}");
            return text.ToString();
        }

        if (outcome.Plan.Count == 0)
        {
            text.Append("this would change nothing.");
        }
        else
        {
            var role = command.Verb == CommandVerb.Unassign ? AssignmentOutcome.RemoveRole : AssignmentOutcome.AddRole;
            var who = Join(outcome.People.Where(p => p.Role == role).Select(p => $"{Name(names, p.Person)} (`{p.Uid}`)").Distinct());
            text.Append(command.Verb == CommandVerb.Unassign ? $"this would unassign {who} from " : $"this would assign {who} to ");
            text.Append(CultureInfo.InvariantCulture, $"{Plural(outcome.Plan.Sum(p => p.AlertIds.Count), "alert")} in space {Join(outcome.Plan.Select(p => $"`{p.Space}`").Distinct())} ({Plural(outcome.Plan.Count, "Kibana request")}).");
        }

        if (outcome.Unresolved.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" Skipped, not mapped to a Kibana user: {Join(outcome.Unresolved.Select(u => $"{Name(names, u.Person)} (`{u.Person}`)"))}.");
        }

        return text.ToString();
    }

    /// <summary>A delivery answered from the journal: a redelivery, or one finished by reconciliation while a follow-up waited.</summary>
    public static string DescribeJournal(JournalEntry entry) => entry.Status switch
    {
        DeliveryStatus.Applied => $"Applied (journal id `{entry.DeliveryId}`).",
        DeliveryStatus.Pending or DeliveryStatus.Retrying => $"Accepted; the bridge is still applying it and keeps trying (journal id `{entry.DeliveryId}`, {Plural(entry.Attempts, "attempt")} so far).",
        DeliveryStatus.Rejected => $"Refused: {entry.LastError} (journal id `{entry.DeliveryId}`).",
        _ => $"Given up after {Plural(entry.Attempts, "attempt")}: {entry.LastError} (journal id `{entry.DeliveryId}`).",
    };

    /// <summary>Who can fix an unmapped person, and how.</summary>
    public static string FixHint(PersonRef? person)
    {
        var key = person is null ? "<namespace>:<id>" : person.ToString();
        var route = person is null ? "/api/manage/people/<namespace>/<id>"
            : person.Id.Contains('/', StringComparison.Ordinal) ? null
            : $"/api/manage/people/{person.Namespace}/{Uri.EscapeDataString(person.Id)}";
        var viaHttp = route is null ? " or an import" : $" or `PUT {route}`";
        return $"An AssignBridge admin can map {(person is null ? "them" : "you")} with `people set {key} <kibana-uid>`{viaHttp}.";
    }

    private static string PendingText(string deliveryId, AttemptResult attempt) => attempt.Outcome is null
        ? $"Working on it: Kibana is slow to answer. The command is recorded (journal id `{deliveryId}`) and will be applied."
        : $"Working on it: Kibana failed for now ({attempt.Error}). The command is recorded (journal id `{deliveryId}`) and the bridge keeps trying.";

    private static string KibanaRefusal(KibanaFailure error) => error.Status switch
    {
        400 => $"Kibana refused the change: {error.Message}. Nothing was changed.",
        401 => "Kibana refused the bridge's API key. Nothing was changed; tell the AssignBridge operators.",
        403 => $"The bridge's Kibana API key may not assign alerts in this space ({error.Message}). Nothing was changed; tell the AssignBridge operators.",
        404 => "Kibana has no alert-assignees route (is Kibana 8.12 or later, and the URL right?). Nothing was changed; tell the AssignBridge operators.",
        _ => $"Kibana failed: {error.Message}.",
    };

    private async Task AppendNotFoundAsync(StringBuilder text, ChatCommand command, AssignmentOutcome outcome, TimeSpan budget, CancellationToken cancellationToken)
    {
        foreach (var space in outcome.Spaces.Where(s => s.Total < s.Alerts))
        {
            var missingCount = space.Alerts - (int)space.Total;
            if (budget > TimeSpan.FromMilliseconds(200))
            {
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                limit.CancelAfter(budget);
                try
                {
                    var found = await kibana.GetAssigneesAsync(space.Space, command.AlertIds, limit.Token);
                    var missing = command.AlertIds.Where(id => !found.ContainsKey(id)).ToList();
                    if (missing.Count > 0)
                    {
                        text.Append(CultureInfo.InvariantCulture, $" Not found in Kibana space `{space.Space}`: {Join(missing.Take(20).Select(id => $"`{id}`"))}{(missing.Count > 20 ? $" and {missing.Count - 20} more" : "")}.");
                        continue;
                    }
                }
                catch (Exception exception) when (exception is KibanaRequestException or HttpRequestException || exception is OperationCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    Log.NotFoundLookupFailed(logger, space.Space, exception.GetType().Name);
                }
            }

            text.Append(CultureInfo.InvariantCulture, $" {Plural(missingCount, "alert id")} {(missingCount == 1 ? "was" : "were")} not found in Kibana space `{space.Space}`.");
        }
    }

    private static string Name(Dictionary<string, string> names, string person) => names.TryGetValue(person, out var display) ? display : person;

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count.ToString(CultureInfo.InvariantCulture)} {noun}s";

    private static string Join(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count switch
        {
            0 => "nobody",
            1 => list[0],
            _ => string.Join(", ", list[..^1]) + " and " + list[^1],
        };
    }
}

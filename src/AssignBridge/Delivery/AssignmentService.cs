using AssignBridge.Assignments;
using AssignBridge.Audit;
using AssignBridge.Kibana;
using AssignBridge.People;
using AssignBridge.Secrets;
using Microsoft.Extensions.Options;

namespace AssignBridge.Delivery;

// Resolves the people of an intent, plans the Kibana requests and sends them, saying exactly what happened.
// A ticket's event is applied only if no newer event of that ticket was, and removes only the people the
// bridge assigned (or, with EnforceTicketAssignees, everyone the ticket does not name).
internal sealed class AssignmentService(
    PeopleDirectory people,
    KibanaClient kibana,
    KibanaBatcher batcher,
    ManagedAssignees managed,
    DeliveryJournal journal,
    EffectProjector projector,
    AuditLog audit,
    TimeProvider time,
    IOptions<KibanaOptions> kibanaOptions,
    IOptions<PeopleOptions> peopleOptions,
    IOptions<JournalOptions> journalOptions,
    ILogger<AssignmentService> logger)
{
    /// <exception cref="PeopleUnavailableException">The people table could not be read; nothing was sent.</exception>
    /// <exception cref="JournalUnavailableException">The managed-assignees table could not be used; trying again is safe.</exception>
    /// <exception cref="AuditUnavailableException">The audit table could not be written; trying again is safe.</exception>
    /// <param name="progress">What this attempt has done so far, kept by the caller; requests it holds as done are not sent again.</param>
    /// <param name="start">What the caller already started: its announcement to the batcher, the read of the ticket's newest applied event; null to do both here.</param>
    public async Task<AssignmentOutcome> ApplyAsync(AssignmentIntent intent, AttemptProgress progress, AttemptStart? start = null, CancellationToken cancellationToken = default)
    {
        // Concurrent deliveries with the same assignees wait briefly to share one Kibana call; leaving here without one ends the wait for this one.
        using var onItsWay = start?.OnItsWay ?? batcher.Expect();
        var plan = await PlanAsync(intent, start, dryRun: false, progress, cancellationToken);
        if (plan.Ended is { } ended)
        {
            return ended;
        }

        var operations = plan.Operations;
        progress.Planned = operations.Count;
        if (operations.Count == 0)
        {
            plan.Notes.Add("Nobody is left to add or remove, so Kibana was not called.");
            RememberTicket(intent, plan.Newest, progress);
            return plan.Outcome(AssignmentStatus.NothingToApply, [], null);
        }

        var (spaces, error) = await SendAsync(intent, operations, plan.Newest, onItsWay, progress, cancellationToken);
        var before = operations.Count(o => progress.IsDone(AttemptProgress.KeyOf(o))) - progress.DoneNow;
        if (before > 0)
        {
            plan.Notes.Add($"{before} of {operations.Count} Kibana requests were applied by an earlier attempt and not sent again.");
        }

        Log.Outcome(logger, intent.Source, intent.DeliveryId, error is null ? "applied" : "failed", operations.Count);
        return plan.Outcome(error is null ? AssignmentStatus.Applied : AssignmentStatus.Failed, spaces, error);
    }

    /// <summary>
    /// A dry run: the people resolved and the Kibana requests planned exactly as <see cref="ApplyAsync"/> would, each
    /// planned request audited as <c>planned</c>, and nothing sent to Kibana (it is not read either).
    /// </summary>
    /// <exception cref="PeopleUnavailableException">The people table could not be read.</exception>
    /// <exception cref="JournalUnavailableException">The journal or the managed-assignees table could not be read.</exception>
    /// <exception cref="AuditUnavailableException">The audit table could not be written.</exception>
    public async Task<AssignmentOutcome> DryRunAsync(AssignmentIntent intent, CancellationToken cancellationToken = default)
    {
        var plan = await PlanAsync(intent, start: null, dryRun: true, progress: null, cancellationToken);
        if (plan.Ended is { } ended)
        {
            return ended;
        }

        foreach (var operation in plan.Operations)
        {
            await audit.RecordPlannedAsync(operation.Space, operation.AlertIds, operation.Add, operation.Remove, intent, cancellationToken);
        }

        plan.Notes.Add(plan.Operations.Count == 0
            ? "Dry run: nobody is left to add or remove; Kibana would not be called."
            : $"Dry run: {(plan.Operations.Count == 1 ? "this request was" : $"these {plan.Operations.Count} requests were")} planned and audited, not sent; Kibana was not called.");
        Log.Outcome(logger, intent.Source, intent.DeliveryId, "planned", plan.Operations.Count);
        var spaces = plan.Operations.GroupBy(o => o.Space, StringComparer.Ordinal)
            .Select(g => new SpaceOutcome(g.Key, SpaceOutcome.PlannedStatus, g.Sum(o => o.AlertIds.Count), g.Count(), 0, 0, 0, [], null))
            .ToList();
        return plan.Outcome(AssignmentStatus.Planned, spaces, null) with
        {
            Plan = plan.Operations,
        };
    }

    // Everything before the first Kibana request: the ticket's order, the people, whom to remove, the requests. An
    // outcome in Ended when it ends there (an older event, unmapped people under Reject, Kibana failing the read of
    // the current assignees).
    private async Task<Planning> PlanAsync(AssignmentIntent intent, AttemptStart? start, bool dryRun, AttemptProgress? progress, CancellationToken cancellationToken)
    {
        progress?.At("reading the ticket's newest applied event");
        var newest = intent.Ticket is null || start is { TicketKnown: true } ? start?.Ticket : await journal.ReadTicketAsync(intent.Source, intent.Ticket, cancellationToken);
        var notes = new List<string>();
        if (intent.Ticket is not null && TicketMark.IsSuperseded(intent.Ticket, newest))
        {
            return Planning.End(new AssignmentOutcome(AssignmentStatus.NothingToApply, [], [], [], [$"A newer event of {intent.Ticket.Key} was already applied; this older one changes nothing."], null));
        }

        progress?.At("resolving people in the mapping table");
        var adds = await ResolveAllAsync(intent.Add, allowDefault: true, cancellationToken);
        var removes = await ResolveAllAsync(intent.Remove, allowDefault: false, cancellationToken);

        var resolved = new List<ResolvedPerson>();
        var unresolved = new List<UnresolvedPerson>();
        Sort(adds, AssignmentOutcome.AddRole, resolved, unresolved);
        Sort(removes, AssignmentOutcome.RemoveRole, resolved, unresolved);

        if (unresolved.Count > 0 && peopleOptions.Value.UnmappedPolicy == UnmappedPolicy.Reject)
        {
            Log.RejectedUnmapped(logger, intent.Source, intent.DeliveryId, unresolved.Count);
            return Planning.End(new AssignmentOutcome(AssignmentStatus.Unmapped, [], resolved, unresolved, dryRun ? ["Dry run: nothing would be applied."] : [], null));
        }

        var addUids = adds.Where(r => r.IsResolved).Select(r => r.Uid!).Distinct(StringComparer.Ordinal).ToList();
        var removeUids = removes.Where(r => r.IsResolved).Select(r => r.Uid!).Distinct(StringComparer.Ordinal).ToList();
        IReadOnlyList<(IReadOnlyList<AlertRef> Alerts, IReadOnlyList<string> Remove)> groups;
        try
        {
            progress?.At("reading whom the bridge assigned");
            groups = await RemovalsAsync(intent, addUids, removeUids, notes, dryRun, cancellationToken);
        }
        catch (KibanaRequestException exception)
        {
            var failure = new KibanaFailure(exception.StatusCode, exception.KibanaMessage, exception.IsRetryable, exception.RetryAfter);
            return Planning.End(new AssignmentOutcome(AssignmentStatus.Failed, [], resolved, unresolved, notes, failure));
        }

        var operations = new List<KibanaOperation>();
        var conflicts = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (alerts, remove) in groups)
        {
            var plan = AssignmentPlanner.Plan(alerts, addUids, remove, kibanaOptions.Value.MaxIdsPerRequest);
            operations.AddRange(plan.Operations);
            conflicts.UnionWith(plan.AddedAndRemoved);
        }

        notes.InsertRange(0, conflicts.Select(uid => $"Kibana user {uid} was both added and removed (two identities map to it); it stays assigned."));
        return new Planning(newest, resolved, unresolved, notes, operations, null);
    }

    private sealed record Planning(TicketMark? Newest, List<ResolvedPerson> Resolved, List<UnresolvedPerson> Unresolved, List<string> Notes, List<KibanaOperation> Operations, AssignmentOutcome? Ended)
    {
        public static Planning End(AssignmentOutcome outcome) => new(null, [], [], [], [], outcome);

        public AssignmentOutcome Outcome(AssignmentStatus status, IReadOnlyList<SpaceOutcome> spaces, KibanaFailure? error) =>
            new(status, spaces, Resolved, Unresolved, Notes, error);
    }

    // Who to remove from which alerts, as groups of alerts sharing one removal set. A person or tool that names
    // whom to remove is obeyed; a ticket event removes only bridge-assigned people (or, when enforcing, everyone
    // the ticket does not name, as Kibana has them now).
    // A dry run does not read Kibana: under EnforceTicketAssignees it says so and removes only the people named.
    private async Task<IReadOnlyList<(IReadOnlyList<AlertRef> Alerts, IReadOnlyList<string> Remove)>> RemovalsAsync(
        AssignmentIntent intent, IReadOnlyList<string> addUids, List<string> removeUids, List<string> notes, bool dryRun, CancellationToken cancellationToken)
    {
        // Nothing to filter when nobody is to be removed (a first assignment): no managed-assignee read.
        if (intent.Ticket is null || (removeUids.Count == 0 && !journalOptions.Value.EnforceTicketAssignees))
        {
            return [(intent.Alerts, removeUids)];
        }

        var perAlert = new Dictionary<AlertRef, IReadOnlyList<string>>();
        if (journalOptions.Value.EnforceTicketAssignees && dryRun)
        {
            notes.Add("Journal:EnforceTicketAssignees is on: applied, this would also remove every current assignee the ticket does not name; a dry run does not read Kibana, so they are not listed.");
            return [(intent.Alerts, removeUids)];
        }

        if (journalOptions.Value.EnforceTicketAssignees)
        {
            foreach (var space in intent.Alerts.GroupBy(a => a.Space, StringComparer.Ordinal))
            {
                var current = await kibana.GetAssigneesAsync(space.Key, space.Select(a => a.AlertId).ToList(), cancellationToken);
                foreach (var alert in space)
                {
                    var now = current.TryGetValue(alert.AlertId, out var uids) ? uids : [];
                    perAlert[alert] = now.Union(removeUids, StringComparer.Ordinal).Except(addUids, StringComparer.Ordinal).ToList();
                }
            }
        }
        else
        {
            var managedNow = await managed.GetAsync(intent.Alerts, cancellationToken);
            foreach (var alert in intent.Alerts.Distinct())
            {
                perAlert[alert] = removeUids.Where(managedNow[alert].Contains).ToList();
            }

            var kept = removeUids.Where(uid => perAlert.Values.Any(r => !r.Contains(uid))).ToList();
            if (kept.Count > 0)
            {
                notes.Add($"Not removed where the bridge did not assign them: {string.Join(", ", kept)}.");
            }
        }

        return [.. perAlert
            .GroupBy(p => string.Join('\n', p.Value.Order(StringComparer.Ordinal)), StringComparer.Ordinal)
            .Select(g => ((IReadOnlyList<AlertRef>)g.Select(p => p.Key).ToList(), g.First().Value))];
    }

    /// <summary>The ticket's event becomes its newest applied one with the outcome, in the same journal request.</summary>
    private static void RememberTicket(AssignmentIntent intent, TicketMark? seen, AttemptProgress progress)
    {
        if (intent.Ticket is { } ticket)
        {
            progress.Ticket = new TicketOutcome(ticket, seen);
        }
    }

    private async Task<IReadOnlyList<PersonResolution>> ResolveAllAsync(IReadOnlyList<PersonRef> persons, bool allowDefault, CancellationToken cancellationToken)
    {
        var distinct = persons.Distinct().ToList();
        return await Task.WhenAll(distinct.Select(p => people.ResolveAsync(p, allowDefault, cancellationToken)));
    }

    private static void Sort(IReadOnlyList<PersonResolution> resolutions, string role, List<ResolvedPerson> resolved, List<UnresolvedPerson> unresolved)
    {
        foreach (var r in resolutions)
        {
            if (r.IsResolved)
            {
                resolved.Add(new ResolvedPerson(r.Person.ToString(), role, r.Uid!, AssignmentOutcome.ViaName(r.Via!.Value), r.Reason));
            }
            else
            {
                unresolved.Add(new UnresolvedPerson(r.Person.ToString(), role, r.Reason!));
            }
        }
    }

    // Sends the requests in order and stops at the first failure: the failures that matter (Kibana down, key
    // refused, privileges missing) would fail the rest too. Every space says what was applied before the stop.
    // What each applied request did goes with the outcome into the journal row (and from there into the managed-assignee
    // and audit rows), as does, when all were applied, the ticket's newest event; only what the row has no room for is
    // written here, before this returns.
    private async Task<(IReadOnlyList<SpaceOutcome> Spaces, KibanaFailure? Error)> SendAsync(AssignmentIntent intent, IReadOnlyList<KibanaOperation> operations, TicketMark? newest, KibanaBatcher.Expectation onItsWay, AttemptProgress progress, CancellationToken cancellationToken)
    {
        var records = new List<Task>();
        KibanaFailure? error;
        IReadOnlyList<SpaceOutcome> spaces;
        try
        {
            (spaces, error) = await SendEachAsync(intent, operations, onItsWay, records, progress, cancellationToken);
        }
        catch
        {
            await SettleAsync(records); // the delivery is tried again and rewrites them; nothing is left running behind it
            throw;
        }

        if (error is null)
        {
            RememberTicket(intent, newest, progress);
        }

        progress.At("writing what Kibana applied (managed assignees, audit)");
        await Task.WhenAll(records);
        return (spaces, error);
    }

    private static async Task SettleAsync(List<Task> records)
    {
        try
        {
            await Task.WhenAll(records);
        }
        catch (Exception)
        {
            // Whatever they came to is reported by the failure being rethrown; the next attempt writes them again.
        }
    }

    /// <summary>
    /// Keeps what one applied request did for the journal row to carry, or, when the row has no room left, writes its
    /// rows now; only then is it counted done for later attempts.
    /// </summary>
    private async Task RecordAsync(KibanaOperation operation, string key, AssignmentIntent intent, UpdateByQueryResponse response, AttemptProgress progress, CancellationToken cancellationToken)
    {
        var effect = new AppliedEffect(key, operation.Space, operation.AlertIds, operation.Add, operation.Remove, time.GetUtcNow(),
            response.Total, response.Updated, response.VersionConflicts, response.Noops, response.Failures?.Count ?? 0);
        if (!progress.TryCarry(effect, () => managed.Hold(operation.Space, operation.AlertIds, operation.Add, operation.Remove)))
        {
            await projector.WriteAsync(intent, effect, notify: true, cancellationToken);
        }

        progress.MarkDone(key);
    }

    private async Task<(IReadOnlyList<SpaceOutcome> Spaces, KibanaFailure? Error)> SendEachAsync(AssignmentIntent intent, IReadOnlyList<KibanaOperation> operations, KibanaBatcher.Expectation onItsWay, List<Task> records, AttemptProgress progress, CancellationToken cancellationToken)
    {
        var tallies = new Dictionary<string, SpaceTally>(StringComparer.Ordinal);
        KibanaFailure? error = null;
        for (var i = 0; i < operations.Count; i++)
        {
            var operation = operations[i];
            var tally = tallies.TryGetValue(operation.Space, out var t) ? t : tallies[operation.Space] = new SpaceTally(operation.Space);
            tally.Alerts += operation.AlertIds.Count;
            if (error is not null)
            {
                tally.NotAttempted++;
                continue;
            }

            var key = AttemptProgress.KeyOf(operation);
            if (progress.IsDone(key))
            {
                tally.DoneBefore();
                continue;
            }

            tally.Requests++;
            try
            {
                progress.At($"sending Kibana request {i + 1} of {operations.Count} ({operation.AlertIds.Count} alerts in space {operation.Space})");
                var response = await batcher.SetAssigneesAsync(operation.Space, operation.AlertIds, operation.Add, operation.Remove, intent.Ticket?.Key, onItsWay, cancellationToken);
                Kibana.Log.Applied(logger, operation.Space, operation.AlertIds.Count, operation.Add.Count, operation.Remove.Count, response.Total, response.Updated, response.VersionConflicts);
                tally.Add(response);
                records.Add(RecordAsync(operation, key, intent, response, progress, cancellationToken));
            }
            catch (KibanaRequestException exception)
            {
                Kibana.Log.Failed(logger, operation.Space, operation.AlertIds.Count, exception.StatusCode, exception.IsRetryable, exception.KibanaMessage);
                error = tally.Error = new KibanaFailure(exception.StatusCode, exception.KibanaMessage, exception.IsRetryable, exception.RetryAfter);
                await audit.RecordFailedAsync(operation.Space, operation.AlertIds, operation.Add, operation.Remove, intent, exception, cancellationToken);
            }
            catch (SecretUnavailableException exception)
            {
                error = tally.Error = new KibanaFailure(0, exception.Message, Retryable: true);
            }
        }

        return (tallies.Values.Select(t => t.ToOutcome()).ToList(), error);
    }

    private sealed class SpaceTally(string space)
    {
        private readonly List<string> _failures = [];
        private long _total;
        private long _updated;
        private long _conflicts;
        private int _succeeded;

        public int Alerts { get; set; }

        public int Requests { get; set; }

        public int NotAttempted { get; set; }

        public KibanaFailure? Error { get; set; }

        /// <summary>A request an earlier attempt applied and recorded: it counts as succeeded, with no figures of its own.</summary>
        public void DoneBefore() => _succeeded++;

        public void Add(UpdateByQueryResponse response)
        {
            _succeeded++;
            _total += response.Total;
            _updated += response.Updated;
            _conflicts += response.VersionConflicts;
            if (response.Failures is { Count: > 0 } failures)
            {
                _failures.AddRange(failures.Select(f => f.GetRawText()));
            }
        }

        public SpaceOutcome ToOutcome()
        {
            var status = (_succeeded, Error, NotAttempted) switch
            {
                (0, null, > 0) => SpaceOutcome.NotAttemptedStatus,
                (0, _, _) => SpaceOutcome.FailedStatus,
                (_, null, 0) => SpaceOutcome.AppliedStatus,
                _ => SpaceOutcome.PartlyAppliedStatus,
            };
            return new SpaceOutcome(space, status, Alerts, Requests, _total, _updated, _conflicts, _failures, Error);
        }
    }
}

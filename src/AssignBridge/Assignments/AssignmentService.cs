using AssignBridge.Kibana;
using AssignBridge.People;
using AssignBridge.Secrets;
using Microsoft.Extensions.Options;

namespace AssignBridge.Assignments;

/// <summary>Resolves the people of an intent, plans the Kibana requests and sends them, saying exactly what happened.</summary>
internal sealed class AssignmentService(
    PeopleDirectory people,
    KibanaClient kibana,
    IOptions<KibanaOptions> kibanaOptions,
    IOptions<PeopleOptions> peopleOptions,
    ILogger<AssignmentService> logger)
{
    /// <exception cref="PeopleUnavailableException">The people table could not be read; nothing was sent.</exception>
    public async Task<AssignmentOutcome> ApplyAsync(AssignmentIntent intent, CancellationToken cancellationToken = default)
    {
        var adds = await ResolveAllAsync(intent.Add, allowDefault: true, cancellationToken);
        var removes = await ResolveAllAsync(intent.Remove, allowDefault: false, cancellationToken);

        var resolved = new List<ResolvedPerson>();
        var unresolved = new List<UnresolvedPerson>();
        Sort(adds, AssignmentOutcome.AddRole, resolved, unresolved);
        Sort(removes, AssignmentOutcome.RemoveRole, resolved, unresolved);

        if (unresolved.Count > 0 && peopleOptions.Value.UnmappedPolicy == UnmappedPolicy.Reject)
        {
            Log.RejectedUnmapped(logger, intent.Source, intent.DeliveryId, unresolved.Count);
            return new AssignmentOutcome(AssignmentStatus.Unmapped, [], resolved, unresolved, [], null);
        }

        var plan = AssignmentPlanner.Plan(
            intent.Alerts,
            adds.Where(r => r.IsResolved).Select(r => r.Uid!),
            removes.Where(r => r.IsResolved).Select(r => r.Uid!),
            kibanaOptions.Value.MaxIdsPerRequest);
        var notes = plan.AddedAndRemoved
            .Select(uid => $"Kibana user {uid} was both added and removed (two identities map to it); it stays assigned.")
            .ToList();

        if (plan.Operations.Count == 0)
        {
            notes.Add("Nobody is left to add or remove, so Kibana was not called.");
            return new AssignmentOutcome(AssignmentStatus.NothingToApply, [], resolved, unresolved, notes, null);
        }

        var (spaces, error) = await SendAsync(plan.Operations, cancellationToken);
        Log.Outcome(logger, intent.Source, intent.DeliveryId, error is null ? "applied" : "failed", plan.Operations.Count);
        return new AssignmentOutcome(error is null ? AssignmentStatus.Applied : AssignmentStatus.Failed, spaces, resolved, unresolved, notes, error);
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

    /// <summary>
    /// Sends the requests in order and stops at the first failure: the failures that matter (Kibana down, key
    /// refused, privileges missing) would fail the rest too. Every space says what was applied before the stop.
    /// </summary>
    private async Task<(IReadOnlyList<SpaceOutcome> Spaces, KibanaFailure? Error)> SendAsync(IReadOnlyList<KibanaOperation> operations, CancellationToken cancellationToken)
    {
        var tallies = new Dictionary<string, SpaceTally>(StringComparer.Ordinal);
        KibanaFailure? error = null;
        foreach (var operation in operations)
        {
            var tally = tallies.TryGetValue(operation.Space, out var t) ? t : tallies[operation.Space] = new SpaceTally(operation.Space);
            tally.Alerts += operation.AlertIds.Count;
            if (error is not null)
            {
                tally.NotAttempted++;
                continue;
            }

            tally.Requests++;
            try
            {
                var response = await kibana.SetAssigneesAsync(operation.Space, operation.AlertIds, operation.Add, operation.Remove, cancellationToken);
                Kibana.Log.Applied(logger, operation.Space, operation.AlertIds.Count, operation.Add.Count, operation.Remove.Count, response.Total, response.Updated, response.VersionConflicts);
                tally.Add(response);
            }
            catch (KibanaRequestException exception)
            {
                Kibana.Log.Failed(logger, operation.Space, operation.AlertIds.Count, exception.StatusCode, exception.IsRetryable, exception.KibanaMessage);
                error = tally.Error = new KibanaFailure(exception.StatusCode, exception.KibanaMessage, exception.IsRetryable, exception.RetryAfter);
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

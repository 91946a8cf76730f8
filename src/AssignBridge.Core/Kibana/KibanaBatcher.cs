using Microsoft.Extensions.Options;

namespace AssignBridge.Kibana;

/// <summary>
/// Sends assignee changes to Kibana, coalescing concurrent changes that share a space and the same add and remove
/// sets into one request over the union of their alert ids. A bulk reassignment in Jira fires one webhook per issue,
/// all with the same new and previous assignee: without this each would cost one update-by-query in Kibana.
/// </summary>
/// <remarks>
/// <para>Per set (space, add, remove) at most one request is in flight. A request waits for company only while
/// deliveries that announced themselves with <see cref="Expect"/> have not arrived yet (each passes its
/// <see cref="Expectation"/> to <see cref="SetAssigneesAsync"/>; the request waits on a signal the last of them sets), and at most <see cref="KibanaOptions.CoalesceMilliseconds"/>; changes that arrive while a request is in flight go together in
/// the next one. So a lone delivery waits not at all, and a burst sends few, large requests. Changes carrying the same order key (a ticket) are sent in the order they were handed in: a later
/// one waits until the earlier one has been answered.</para>
/// <para>Each caller gets its own answer: Kibana's figures when its change went alone; when it shared a request that
/// found and updated every alert, its own alert count as total and updated; otherwise the shared request's figures.
/// A failure of the shared request is every member's failure, so each delivery records it and is retried on its own.</para>
/// </remarks>
internal sealed class KibanaBatcher(KibanaClient kibana, IOptions<KibanaOptions> options, TimeProvider time, ILogger<KibanaBatcher> logger)
{
    private readonly Lock _lock = new();
    private int _onTheirWay;
    private TaskCompletionSource _allArrived = NewSignal();
    private readonly Dictionary<string, Lane> _lanes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task> _lastByOrderKey = new(StringComparer.Ordinal);

    /// <summary>
    /// Says that one delivery is on its way to <see cref="SetAssigneesAsync"/>: until it arrives there with the returned
    /// expectation, or the expectation is disposed, requests gathering company wait for it (at most
    /// <see cref="KibanaOptions.CoalesceMilliseconds"/>). Only deliveries known to be coming are waited for, so a lone
    /// delivery waits not at all.
    /// </summary>
    public Expectation Expect()
    {
        var expectation = new Expectation(this);
        lock (_lock)
        {
            if (_onTheirWay++ == 0)
            {
                _allArrived = NewSignal();
            }
        }

        return expectation;
    }

    /// <summary>Adds and removes assignees on alerts of one space, possibly in a request shared with other callers.</summary>
    /// <param name="orderKey">Changes with the same key (for example a ticket) reach Kibana in call order; null when order does not matter.</param>
    /// <param name="expected">What <see cref="Expect"/> gave this delivery, if it announced itself: it arrives with this call.</param>
    /// <exception cref="ArgumentException">The change breaks one of Kibana's own rules.</exception>
    /// <exception cref="KibanaRequestException">Kibana refused the (shared) request or could not be reached.</exception>
    public async Task<UpdateByQueryResponse> SetAssigneesAsync(
        string space, IReadOnlyList<string> alertIds, IReadOnlyList<string> add, IReadOnlyList<string> remove,
        string? orderKey = null, Expectation? expected = null, CancellationToken cancellationToken = default)
    {
        // One caller's bad change must fail that caller alone, never the request it would have shared.
        AssigneesRequestValidator.ThrowIfInvalid(space, alertIds, add, remove);

        if (orderKey is null)
        {
            return await EnqueueAsync(space, alertIds, add, remove, expected, cancellationToken);
        }

        var turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task? previous;
        lock (_lock)
        {
            previous = _lastByOrderKey.GetValueOrDefault(orderKey);
            _lastByOrderKey[orderKey] = turn.Task;
        }

        try
        {
            if (previous is not null)
            {
                // Requests gathering company must not wait for a change that is waiting for its turn.
                expected?.Arrive();
                await previous.WaitAsync(cancellationToken);
            }

            return await EnqueueAsync(space, alertIds, add, remove, expected, cancellationToken);
        }
        finally
        {
            turn.SetResult();
            lock (_lock)
            {
                if (_lastByOrderKey.TryGetValue(orderKey, out var last) && last == turn.Task)
                {
                    _lastByOrderKey.Remove(orderKey);
                }
            }
        }
    }

    private async Task<UpdateByQueryResponse> EnqueueAsync(
        string space, IReadOnlyList<string> alertIds, IReadOnlyList<string> add, IReadOnlyList<string> remove, Expectation? expected, CancellationToken cancellationToken)
    {
        var key = Key(space, add, remove);
        var member = new Member(alertIds);
        bool start;
        Lane? lane;
        lock (_lock)
        {
            if (!_lanes.TryGetValue(key, out lane))
            {
                _lanes[key] = lane = new Lane(space, add, remove);
            }

            (lane.Gathering ??= []).Add(member);
            start = !lane.Running;
            lane.Running = true;
        }

        // Only once it is in the lane: a request that stops waiting when the last one arrives must find it there.
        expected?.Arrive();

        if (start)
        {
            _ = RunAsync(key, lane);
        }

        // The shared request goes on without a caller that stops waiting: the others still need it.
        return await member.Answer.Task.WaitAsync(cancellationToken);
    }

    private async Task RunAsync(string key, Lane lane)
    {
        // Off the caller's thread, so that callers arriving at the same moment still share the request.
        await Task.Yield();
        Task? allArrived;
        lock (_lock)
        {
            allArrived = _onTheirWay > 0 ? _allArrived.Task : null;
        }

        if (allArrived is not null)
        {
            // Signalled when the last delivery on its way arrives; the window caps the wait.
            try
            {
                await allArrived.WaitAsync(TimeSpan.FromMilliseconds(options.Value.CoalesceMilliseconds), time);
            }
            catch (TimeoutException)
            {
                // The window is over: send with whoever is here.
            }
        }

        while (true)
        {
            List<Member> batch;
            lock (_lock)
            {
                if (lane.Gathering is not { Count: > 0 } gathering)
                {
                    lane.Running = false;
                    _lanes.Remove(key);
                    return;
                }

                batch = gathering;
                lane.Gathering = null;
            }

            // Whoever arrives while this request is in flight has waited long enough: no second window.
            await SendAsync(lane, batch);
        }
    }

    private async Task SendAsync(Lane lane, List<Member> batch)
    {
        var ids = batch.SelectMany(m => m.AlertIds).Distinct(StringComparer.Ordinal).ToList();
        long total = 0, updated = 0, conflicts = 0, noops = 0;
        var timedOut = false;
        var failures = new List<System.Text.Json.JsonElement>();
        var requests = 0;
        try
        {
            foreach (var chunk in ids.Chunk(options.Value.MaxIdsPerRequest))
            {
                requests++;
                var response = await kibana.SetAssigneesAsync(lane.Space, chunk, lane.Add, lane.Remove, CancellationToken.None);
                total += response.Total;
                updated += response.Updated;
                conflicts += response.VersionConflicts;
                noops += response.Noops;
                timedOut |= response.TimedOut;
                failures.AddRange(response.Failures ?? []);
            }
        }
        catch (Exception exception)
        {
            // Not swallowed: every caller waiting on this request rethrows it (KibanaRequestException as a rule).
            // Whatever the type, no caller may be left waiting and the lane must go on.
            foreach (var member in batch)
            {
                member.Answer.TrySetException(exception);
            }

            return;
        }

        if (batch.Count > 1)
        {
            Log.Coalesced(logger, lane.Space, batch.Count, requests, ids.Count);
        }

        var shared = new UpdateByQueryResponse
        {
            Total = total,
            Updated = updated,
            VersionConflicts = conflicts,
            Noops = noops,
            TimedOut = timedOut,
            Failures = failures,
        };
        var clean = total == ids.Count && updated == total && conflicts == 0 && failures.Count == 0 && !timedOut;
        foreach (var member in batch)
        {
            var own = member.AlertIds.Distinct(StringComparer.Ordinal).Count();
            member.Answer.TrySetResult(batch.Count == 1 || !clean ? shared : shared with { Total = own, Updated = own, Noops = 0 });
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static string Key(string space, IReadOnlyList<string> add, IReadOnlyList<string> remove) =>
        string.Join('\u001e', space, Set(add), Set(remove));

    private static string Set(IReadOnlyList<string> uids) => string.Join('\u001f', uids.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    private sealed class Lane(string space, IReadOnlyList<string> add, IReadOnlyList<string> remove)
    {
        public string Space { get; } = space;

        public IReadOnlyList<string> Add { get; } = add;

        public IReadOnlyList<string> Remove { get; } = remove;

        public List<Member>? Gathering { get; set; }

        public bool Running { get; set; }
    }

    /// <summary>One delivery announced by <see cref="Expect"/>; it arrives once, by its call or by being disposed.</summary>
    public sealed class Expectation(KibanaBatcher batcher) : IDisposable
    {
        private int _arrived;

        internal void Arrive()
        {
            if (Interlocked.Exchange(ref _arrived, 1) == 0)
            {
                lock (batcher._lock)
                {
                    if (--batcher._onTheirWay == 0)
                    {
                        batcher._allArrived.TrySetResult();
                    }
                }
            }
        }

        public void Dispose() => Arrive();
    }

    private sealed class Member(IReadOnlyList<string> alertIds)
    {
        public IReadOnlyList<string> AlertIds { get; } = alertIds;

        public TaskCompletionSource<UpdateByQueryResponse> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

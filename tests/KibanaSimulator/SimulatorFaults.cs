namespace KibanaSimulator;

/// <summary>
/// Fault switches for the assignees and search routes, applied before any Kibana check (as a
/// proxy or an overloaded Kibana would). Thread-safe. Queued faults are used in call order, one
/// per request, in the order requests arrive.
/// </summary>
public sealed class SimulatorFaults
{
    private readonly Lock _lock = new();
    private readonly Queue<QueuedFault> _queue = new();
    private TimeSpan _latency;

    /// <summary>Delay before every answer (faulted or not).</summary>
    public TimeSpan Latency
    {
        get { lock (_lock) { return _latency; } }
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            lock (_lock) { _latency = value; }
        }
    }

    /// <summary>
    /// Whether <see cref="Latency"/> is served one request at a time per space, the model of Kibana's assignees route
    /// whose update-by-query with <c>refresh: true</c> refreshes the space's alerts index (refreshes of one shard run
    /// one after another); false: every request waits its latency alongside the others, however many there are.
    /// </summary>
    public bool LatencyOneAtATime { get; set; }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> _turns = new(StringComparer.Ordinal);

    /// <summary>The one turn of a space's requests under <see cref="LatencyOneAtATime"/>.</summary>
    internal SemaphoreSlim TurnOf(string space) => _turns.GetOrAdd(space, _ => new SemaphoreSlim(1));

    /// <summary>
    /// The next <paramref name="count"/> requests answer <paramref name="statusCode"/> in Kibana's
    /// Boom shape (<c>"boom"</c>: core errors, e.g. the ELU rate limiter's 429) or SIEM shape
    /// (<c>"siem"</c>: Elasticsearch errors passed through <c>transformError</c>); see the facts
    /// file, section 4. <paramref name="retryAfter"/> adds a <c>Retry-After</c> header in whole seconds.
    /// </summary>
    public void FailNext(int count, int statusCode, string shape = "boom", TimeSpan? retryAfter = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        ArgumentNullException.ThrowIfNull(shape);
        var siem = shape.ToUpperInvariant() switch
        {
            "BOOM" => false,
            "SIEM" => true,
            _ => throw new ArgumentException($"Unknown error shape '{shape}'; use \"boom\" or \"siem\".", nameof(shape)),
        };
        if (retryAfter is { } delay)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero, nameof(retryAfter));
        }

        Enqueue(count, new PlannedFault(statusCode, siem, retryAfter, Drop: false));
    }

    /// <summary>
    /// The next <paramref name="count"/> requests are answered with <paramref name="statusCode"/> and this exact body, as a
    /// proxy or sign-in page in front of Kibana would (any status, 200 included: an HTML page, text, JSON of another shape).
    /// </summary>
    public void AnswerNext(int count, int statusCode, string contentType, string body)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        ArgumentNullException.ThrowIfNull(contentType);
        ArgumentNullException.ThrowIfNull(body);
        Enqueue(count, new PlannedFault(statusCode, Siem: false, RetryAfter: null, Drop: false, new RawAnswer(contentType, body)));
    }

    /// <summary>The next <paramref name="count"/> requests pass untouched, so that faults queued after them hit later requests.</summary>
    public void PassNext(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Enqueue(count, new PlannedFault(0, Siem: false, RetryAfter: null, Drop: false));
    }

    /// <summary>The next <paramref name="count"/> requests get their connection aborted with no answer.</summary>
    public void DropNext(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Enqueue(count, new PlannedFault(0, Siem: false, RetryAfter: null, Drop: true));
    }

    /// <summary>No latency, no queued faults.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _latency = TimeSpan.Zero;
            _queue.Clear();
        }
    }

    internal (TimeSpan Latency, PlannedFault? Fault) TakeNext()
    {
        lock (_lock)
        {
            if (!_queue.TryPeek(out var head))
            {
                return (_latency, null);
            }

            if (--head.Remaining == 0)
            {
                _queue.Dequeue();
            }

            return (_latency, head.Fault);
        }
    }

    private void Enqueue(int count, PlannedFault fault)
    {
        if (count == 0)
        {
            return;
        }

        lock (_lock)
        {
            _queue.Enqueue(new QueuedFault(fault) { Remaining = count });
        }
    }

    private sealed class QueuedFault(PlannedFault fault)
    {
        public PlannedFault Fault { get; } = fault;

        public int Remaining { get; set; }
    }
}

internal sealed record PlannedFault(int StatusCode, bool Siem, TimeSpan? RetryAfter, bool Drop, RawAnswer? Raw = null);

internal sealed record RawAnswer(string ContentType, string Body);

namespace JiraSimulator;

/// <summary>
/// Fault switches for Jira's routes, applied before authentication (as a proxy or an overloaded
/// Jira would). Thread-safe; queued faults are used one per request, in the order requests arrive.
/// </summary>
public sealed class JiraFaults
{
    private readonly Lock _lock = new();
    private readonly Queue<(int Status, TimeSpan? RetryAfter)> _queue = new();
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
    /// The next <paramref name="count"/> requests answer <paramref name="statusCode"/> in Jira's error shape. A 429
    /// carries the rate-limit headers; <paramref name="retryAfter"/> adds <c>Retry-After</c> in whole seconds.
    /// </summary>
    public void FailNext(int count, int statusCode, TimeSpan? retryAfter = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        if (retryAfter is { } delay)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero, nameof(retryAfter));
        }

        lock (_lock)
        {
            for (var i = 0; i < count; i++)
            {
                _queue.Enqueue((statusCode, retryAfter));
            }
        }
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

    internal (TimeSpan Latency, (int Status, TimeSpan? RetryAfter)? Fault) TakeNext()
    {
        lock (_lock)
        {
            return (_latency, _queue.TryDequeue(out var fault) ? fault : null);
        }
    }
}

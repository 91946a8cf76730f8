namespace AssignBridge.Platform.Caching;

/// <summary>
/// A value loaded on first use, again once it expires, and again when a caller found it refused (a credential a
/// service rejected). Thread-safe: one load at a time; callers holding the same stale value share one load, and a
/// caller whose value was already replaced gets the replacement without a load.
/// </summary>
/// <param name="load">Loads the value and says until when it may be used.</param>
internal sealed class RefreshingValue<T>(Func<CancellationToken, Task<(T Value, DateTimeOffset Expires)>> load, TimeProvider time) : IDisposable
    where T : class
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Entry? _current;

    public async Task<T> GetAsync(CancellationToken cancellationToken = default)
    {
        var current = _current;
        if (current is not null && time.GetUtcNow() < current.Expires)
        {
            return current.Value;
        }

        return await LoadAsync(current?.Value, cancellationToken);
    }

    /// <summary>Called when <paramref name="stale"/> was refused: a newly loaded value, unless another caller loaded one since.</summary>
    public Task<T> RefreshAsync(T stale, CancellationToken cancellationToken = default) => LoadAsync(stale, cancellationToken);

    public void Dispose() => _gate.Dispose();

    private async Task<T> LoadAsync(T? stale, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var current = _current;
            if (current is not null && !ReferenceEquals(current.Value, stale) && time.GetUtcNow() < current.Expires)
            {
                return current.Value;
            }

            var (value, expires) = await load(cancellationToken);
            _current = new Entry(value, expires);
            return value;
        }
        finally
        {
            _gate.Release();
        }
    }

    private sealed record Entry(T Value, DateTimeOffset Expires);
}

using System.Collections.Concurrent;

namespace AssignBridge.People;

/// <summary>
/// A small thread-safe cache with a per-entry lifetime and a bound on entries. When full, expired entries go
/// first, then the oldest. Time comes from a <see cref="TimeProvider"/> so tests can move it.
/// </summary>
internal sealed class ExpiringCache<TKey, TValue>(int capacity, TimeProvider time)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Entry> _entries = new();

    public int Count => _entries.Count;

    public bool TryGet(TKey key, out TValue value)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            if (time.GetUtcNow() < entry.Expires)
            {
                value = entry.Value;
                return true;
            }

            _entries.TryRemove(new KeyValuePair<TKey, Entry>(key, entry));
        }

        value = default!;
        return false;
    }

    public void Set(TKey key, TValue value, TimeSpan lifetime)
    {
        if (lifetime <= TimeSpan.Zero)
        {
            return;
        }

        if (_entries.Count >= capacity && !_entries.ContainsKey(key))
        {
            MakeRoom();
        }

        var now = time.GetUtcNow();
        _entries[key] = new Entry(value, now, now + lifetime);
    }

    public void Remove(TKey key) => _entries.TryRemove(key, out _);

    private void MakeRoom()
    {
        var now = time.GetUtcNow();
        foreach (var (key, entry) in _entries)
        {
            if (entry.Expires <= now)
            {
                _entries.TryRemove(key, out _);
            }
        }

        // Still full: drop the oldest tenth rather than one entry, so a full cache is not scanned on every insert.
        var excess = _entries.Count - capacity + 1;
        if (excess > 0)
        {
            foreach (var key in _entries.OrderBy(e => e.Value.Added).Take(Math.Max(excess, capacity / 10)).Select(e => e.Key).ToList())
            {
                _entries.TryRemove(key, out _);
            }
        }
    }

    private sealed record Entry(TValue Value, DateTimeOffset Added, DateTimeOffset Expires);
}

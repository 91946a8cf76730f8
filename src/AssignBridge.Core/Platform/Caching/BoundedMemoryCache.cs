using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Internal;

namespace AssignBridge.Platform.Caching;

// An in-memory cache of at most a given number of entries (each entry is of size 1), whose lifetimes run on the
// app's TimeProvider so tests can move time. When full, a new entry is not kept and the cache drops a
// tenth of its entries (expired ones first, then the least recently used) in the background.
internal static class BoundedMemoryCache
{
    public static MemoryCache Create(int capacity, TimeProvider time) => new(new MemoryCacheOptions
    {
        SizeLimit = capacity,
        CompactionPercentage = 0.1,
        Clock = new Clock(time),
    });

    /// <summary>Keeps <paramref name="value"/> for <paramref name="lifetime"/>; a lifetime of zero or less keeps nothing.</summary>
    public static void SetFor<TKey, TValue>(this IMemoryCache cache, TKey key, TValue value, TimeSpan lifetime)
        where TKey : notnull
    {
        if (lifetime <= TimeSpan.Zero)
        {
            return;
        }

        cache.Set(key, value, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = lifetime, Size = 1 });
    }

    private sealed class Clock(TimeProvider time) : ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }
}

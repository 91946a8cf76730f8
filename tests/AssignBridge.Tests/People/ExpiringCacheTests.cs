using AssignBridge.People;
using Microsoft.Extensions.Time.Testing;

namespace AssignBridge.Tests;

public sealed class ExpiringCacheTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void TryGet_BeforeAndAfterLifetime_HitThenMiss()
    {
        var cache = new ExpiringCache<string, string?>(10, _time);
        cache.Set("k", "v", TimeSpan.FromMinutes(5));

        Assert.True(cache.TryGet("k", out var value));
        Assert.Equal("v", value);
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.False(cache.TryGet("k", out _));
    }

    [Fact]
    public void TryGet_CachedNull_IsAHit()
    {
        var cache = new ExpiringCache<string, string?>(10, _time);
        cache.Set("unmapped", null, TimeSpan.FromSeconds(30));

        Assert.True(cache.TryGet("unmapped", out var value));
        Assert.Null(value);
    }

    [Fact]
    public void Set_BeyondCapacity_StaysBoundedAndKeepsNewest()
    {
        var cache = new ExpiringCache<int, int>(100, _time);
        for (var i = 0; i < 1_000; i++)
        {
            cache.Set(i, i, TimeSpan.FromMinutes(5));
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.InRange(cache.Count, 1, 100);
        Assert.True(cache.TryGet(999, out _));
    }

    [Fact]
    public void Set_ZeroLifetime_NotCached()
    {
        var cache = new ExpiringCache<string, string>(10, _time);
        cache.Set("k", "v", TimeSpan.Zero);

        Assert.False(cache.TryGet("k", out _));
    }
}

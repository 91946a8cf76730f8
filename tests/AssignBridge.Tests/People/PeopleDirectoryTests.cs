using AssignBridge.People;
using AssignBridge.Platform.Caching;
using AssignBridge.Platform.Storage;
using Azure.Data.Tables.Models;
using Azure.Data.Tables;
using Azure;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace AssignBridge.Tests;

/// <summary>How look-ups (forward and reverse) are cached: answers and misses each for their own lifetime, on the app's clock, in a bounded cache (the table client is the seam).</summary>
public sealed class PeopleDirectoryTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly Mock<TableClient> _table = new();
    private readonly Dictionary<(string Namespace, string RowKey), string> _rows = [];
    private readonly Dictionary<(string Namespace, string RowKey), UidIndexEntity> _index = [];
    private int _reads;
    private int _indexReads;

    public PeopleDirectoryTests()
    {
        _table.Setup(t => t.Name).Returns("people");
        _table.Setup(t => t.CreateIfNotExistsAsync(It.IsAny<CancellationToken>())).ReturnsAsync(Mock.Of<Response<TableItem>>());
        _table.Setup(t => t.GetEntityIfExistsAsync<PersonEntity>(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<IEnumerable<string>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string ns, string rowKey, IEnumerable<string> _, CancellationToken _) =>
            {
                Interlocked.Increment(ref _reads);
                var response = new Mock<NullableResponse<PersonEntity>>();
                var found = _rows.TryGetValue((ns, rowKey), out var uid);
                response.Setup(r => r.HasValue).Returns(found);
                response.Setup(r => r.Value).Returns(found ? new PersonEntity { PartitionKey = ns, RowKey = rowKey, KibanaUid = uid! } : null);
                return response.Object;
            });
        _table.Setup(t => t.GetEntityIfExistsAsync<UidIndexEntity>(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<IEnumerable<string>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string ns, string rowKey, IEnumerable<string> _, CancellationToken _) =>
            {
                Interlocked.Increment(ref _indexReads);
                var response = new Mock<NullableResponse<UidIndexEntity>>();
                var found = _index.TryGetValue((ns, rowKey), out var entry);
                response.Setup(r => r.HasValue).Returns(found);
                response.Setup(r => r.Value).Returns(entry);
                return response.Object;
            });
    }

    [Fact]
    public async Task Resolve_Mapped_ReadsTheTableOncePerLifetime()
    {
        _rows[("slack", RowKeys.Encode("T1/U1ALICE"))] = "u_alice_0";
        var directory = Create(new PeopleOptions { CacheSeconds = 300 });
        var alice = new PersonRef("slack", "T1/U1ALICE");

        Assert.Equal("u_alice_0", (await directory.ResolveAsync(alice, allowDefault: false)).Uid);
        _time.Advance(TimeSpan.FromSeconds(299));
        Assert.Equal("u_alice_0", (await directory.ResolveAsync(alice, allowDefault: false)).Uid);
        Assert.Equal(1, _reads);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("u_alice_0", (await directory.ResolveAsync(alice, allowDefault: false)).Uid);
        Assert.Equal(2, _reads);
    }

    [Fact]
    public async Task Resolve_Unmapped_TheMissIsCachedForItsOwnShorterLifetime()
    {
        var directory = Create(new PeopleOptions { CacheSeconds = 300, NegativeCacheSeconds = 30 });
        var nobody = new PersonRef("slack", "T1/U1NOBODY");

        Assert.Null((await directory.ResolveAsync(nobody, allowDefault: false)).Uid);
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Null((await directory.ResolveAsync(nobody, allowDefault: false)).Uid);
        Assert.Equal(1, _reads);

        _rows[("slack", RowKeys.Encode("T1/U1NOBODY"))] = "u_nobody_0";
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("u_nobody_0", (await directory.ResolveAsync(nobody, allowDefault: false)).Uid);
        Assert.Equal(2, _reads);
    }

    [Fact]
    public async Task Resolve_ZeroLifetime_ReadsTheTableEveryTime()
    {
        _rows[("slack", RowKeys.Encode("T1/U1ALICE"))] = "u_alice_0";
        var directory = Create(new PeopleOptions { CacheSeconds = 0, NegativeCacheSeconds = 0 });

        await directory.ResolveAsync(new PersonRef("slack", "T1/U1ALICE"), allowDefault: false);
        await directory.ResolveAsync(new PersonRef("slack", "T1/U1ALICE"), allowDefault: false);
        await directory.ResolveAsync(new PersonRef("slack", "T1/U1NOBODY"), allowDefault: false);
        await directory.ResolveAsync(new PersonRef("slack", "T1/U1NOBODY"), allowDefault: false);

        Assert.Equal(4, _reads);
    }

    [Fact]
    public async Task Invalidate_ForgetsTheCachedAnswer()
    {
        _rows[("slack", RowKeys.Encode("T1/U1ALICE"))] = "u_alice_0";
        var directory = Create(new PeopleOptions());
        await directory.ResolveAsync(new PersonRef("slack", "T1/U1ALICE"), allowDefault: false);

        _rows[("slack", RowKeys.Encode("T1/U1ALICE"))] = "u_alice_1";
        directory.Invalidate("slack", "T1/U1ALICE");

        Assert.Equal("u_alice_1", (await directory.ResolveAsync(new PersonRef("slack", "T1/U1ALICE"), allowDefault: false)).Uid);
        Assert.Equal(2, _reads);
    }

    [Fact]
    public async Task Resolve_ManyPeople_TheCacheStaysWithinCacheSize()
    {
        using var cache = BoundedMemoryCache.Create(100, _time);
        var directory = Create(new PeopleOptions { CacheSize = 100 }, cache);
        for (var i = 0; i < 1_000; i++)
        {
            _rows[("slack", RowKeys.Encode($"T1/U{i}"))] = $"u_{i}";
            await directory.ResolveAsync(new PersonRef("slack", $"T1/U{i}"), allowDefault: false);
            Assert.InRange(cache.Count, 0, 100);
        }

        Assert.Equal(1_000, _reads);
    }

    [Fact]
    public async Task Resolve_ConcurrentMissesForOnePerson_ReadTheTableOnce()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _table.Setup(t => t.GetEntityIfExistsAsync<PersonEntity>(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<IEnumerable<string>>(), It.IsAny<CancellationToken>()))
            .Returns(async (string ns, string rowKey, IEnumerable<string> _, CancellationToken _) =>
            {
                Interlocked.Increment(ref _reads);
                await gate.Task;
                var response = new Mock<NullableResponse<PersonEntity>>();
                response.Setup(r => r.HasValue).Returns(true);
                response.Setup(r => r.Value).Returns(new PersonEntity { PartitionKey = ns, RowKey = rowKey, KibanaUid = "u_alice_0" });
                return response.Object;
            });
        var directory = Create(new PeopleOptions());
        var alice = new PersonRef("slack", "T1/U1ALICE");

        var lookups = Enumerable.Range(0, 20).Select(_ => directory.ResolveAsync(alice, allowDefault: false)).ToList();
        gate.SetResult();
        var answers = await Task.WhenAll(lookups);

        Assert.All(answers, answer => Assert.Equal("u_alice_0", answer.Uid));
        Assert.Equal(1, _reads);
    }

    [Fact]
    public async Task ExternalId_Mapped_ReadsTheIndexOncePerLifetime()
    {
        IndexEntry("jira", "u_alice_0", "acct-1");
        _rows[("jira", RowKeys.Encode("acct-1"))] = "u_alice_0";
        var directory = Create(new PeopleOptions { CacheSeconds = 300 });

        Assert.Equal("acct-1", await directory.ExternalIdAsync("u_alice_0", "jira"));
        _time.Advance(TimeSpan.FromSeconds(299));
        Assert.Equal("acct-1", await directory.ExternalIdAsync("u_alice_0", "jira"));
        Assert.Equal((1, 1), (_indexReads, _reads));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("acct-1", await directory.ExternalIdAsync("u_alice_0", "jira"));
        Assert.Equal((2, 2), (_indexReads, _reads));
    }

    [Fact]
    public async Task ExternalId_ForwardAndReverseOfOneText_DoNotShareACacheEntry()
    {
        IndexEntry("jira", "acct-1", "acct-1");
        _rows[("jira", RowKeys.Encode("acct-1"))] = "acct-1"; // a UID spelled like the id: the keys must still differ
        var directory = Create(new PeopleOptions());

        await directory.ResolveAsync(new PersonRef("jira", "acct-1"), allowDefault: false);
        await directory.ExternalIdAsync("acct-1", "jira");

        Assert.Equal(1, _indexReads);
    }

    [Fact]
    public async Task InvalidateUid_ForgetsTheCachedReverseAnswer()
    {
        IndexEntry("jira", "u_alice_0", "acct-1");
        _rows[("jira", RowKeys.Encode("acct-1"))] = "u_alice_0";
        _rows[("jira", RowKeys.Encode("acct-2"))] = "u_alice_0";
        var directory = Create(new PeopleOptions());
        await directory.ExternalIdAsync("u_alice_0", "jira");

        IndexEntry("jira", "u_alice_0", "acct-2");
        directory.InvalidateUid("jira", "u_alice_0");

        Assert.Equal("acct-2", await directory.ExternalIdAsync("u_alice_0", "jira"));
        Assert.Equal(2, _indexReads);
    }

    [Fact]
    public async Task ExternalId_StorageFails_PeopleUnavailable()
    {
        _table.Setup(t => t.GetEntityIfExistsAsync<UidIndexEntity>(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<IEnumerable<string>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RequestFailedException(503, "Server busy", "ServerBusy", null));
        var directory = Create(new PeopleOptions());

        var failure = await Assert.ThrowsAsync<PeopleUnavailableException>(() => directory.ExternalIdAsync("u_alice_0", "jira"));

        Assert.Contains("status 503", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("github")]
    [InlineData("uid")]
    public async Task ExternalId_NotATableNamespace_ThrowsWithoutReadingTheTable(string ns)
    {
        var directory = Create(new PeopleOptions());

        await Assert.ThrowsAsync<ArgumentException>(() => directory.ExternalIdAsync("u_alice_0", ns));

        Assert.Equal(0, _indexReads);
    }

    [Fact]
    public async Task ExternalId_UidNoRowCanName_NullWithoutReadingTheTable()
    {
        var directory = Create(new PeopleOptions());

        Assert.Null(await directory.ExternalIdAsync(" u_alice_0", "jira"));
        Assert.Null(await directory.ExternalIdAsync("", "jira"));

        Assert.Equal(0, _indexReads);
    }

    private void IndexEntry(string ns, string uid, string externalId) =>
        _index[(ns, UidIndex.RowKey(uid))] = new UidIndexEntity { PartitionKey = ns, RowKey = UidIndex.RowKey(uid), KibanaUid = uid, MappingRowKey = RowKeys.Encode(externalId), ExternalId = externalId };

    private PeopleDirectory Create(PeopleOptions options, IMemoryCache? cache = null)
    {
        var tables = new Mock<TableServiceClient>();
        tables.Setup(t => t.GetTableClient(options.TableName)).Returns(_table.Object);
        return new PeopleDirectory(tables.Object, Options.Create(options), cache ?? BoundedMemoryCache.Create(options.CacheSize, _time), _time, NullLogger<PeopleDirectory>.Instance);
    }
}

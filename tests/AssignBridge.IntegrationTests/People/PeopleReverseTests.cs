using AssignBridge.IntegrationTests.Infrastructure;
using AssignBridge.People;
using AssignBridge.Platform.Storage;
using Azure.Data.Tables;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace AssignBridge.IntegrationTests.People;

/// <summary>The reverse index (Kibana UID → external id) kept in step by every write path, against a fresh table on Azurite.</summary>
[Collection("azurite")]
public sealed class PeopleReverseTests(AzuriteFixture azurite)
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task ExternalId_SetThroughTheStore_AnswersTheMappingsId()
    {
        await using var bridge = await StartAsync();

        await SetAsync(bridge, "jira", "5b10ac8d82e05b22cc7d4ef5", "u_alice_0");

        Assert.Equal("5b10ac8d82e05b22cc7d4ef5", await Directory(bridge).ExternalIdAsync("u_alice_0", "jira"));
        Assert.Null(await Directory(bridge).ExternalIdAsync("u_alice_0", "servicenow"));
        Assert.Null(await Directory(bridge).ExternalIdAsync("u_nobody_0", "jira"));
    }

    [Fact]
    public async Task ExternalId_TwoAccountsForOneUid_TheOneSetMostRecentlyAnswers()
    {
        await using var bridge = await StartAsync();

        await SetAsync(bridge, "jira", "acct-old", "u_alice_0");
        await SetAsync(bridge, "jira", "acct-new", "u_alice_0");
        var newest = await Directory(bridge).ExternalIdAsync("u_alice_0", "jira");
        await SetAsync(bridge, "jira", "acct-old", "u_alice_0"); // set again, unchanged: it is now the most recently set
        var again = await Directory(bridge).ExternalIdAsync("u_alice_0", "jira");

        Assert.Equal("acct-new", newest);
        Assert.Equal("acct-old", again);
    }

    [Fact]
    public async Task ExternalId_RemoveTheAnsweringAccount_FallsBackToTheOtherThenToNone()
    {
        await using var bridge = await StartAsync();
        var store = Store(bridge);
        await SetAsync(bridge, "jira", "acct-1", "u_alice_0");
        await SetAsync(bridge, "jira", "acct-2", "u_alice_0");
        await SetAsync(bridge, "jira", "acct-3", "u_alice_0");

        Assert.True(await store.RemoveAsync("jira", "acct-3"));
        var entry = await store.GetIndexAsync("jira", "u_alice_0");
        var afterFirst = await Directory(bridge).ExternalIdAsync("u_alice_0", "jira");
        Assert.True(await store.RemoveAsync("jira", "acct-2"));
        var afterSecond = await Directory(bridge).ExternalIdAsync("u_alice_0", "jira");
        Assert.True(await store.RemoveAsync("jira", "acct-1"));
        var afterLast = await Directory(bridge).ExternalIdAsync("u_alice_0", "jira");

        Assert.Equal("acct-2", afterFirst); // the most recent of those that remain, not nothing
        Assert.Equal("acct-2", entry?.ExternalId); // written by the removal itself, not repaired by the look-up
        Assert.Equal("acct-1", afterSecond);
        Assert.Null(afterLast);
        Assert.Null(await store.GetIndexAsync("jira", "u_alice_0"));
        Assert.DoesNotContain(bridge.Logs.Lines, IsRepair); // the removals kept the index, no look-up had to
    }

    [Fact]
    public async Task ExternalId_RemoveAnAccountThatDoesNotAnswer_KeepsTheAnswer()
    {
        await using var bridge = await StartAsync();
        await SetAsync(bridge, "jira", "acct-1", "u_alice_0");
        await SetAsync(bridge, "jira", "acct-2", "u_alice_0");

        Assert.True(await Store(bridge).RemoveAsync("jira", "acct-1"));

        Assert.Equal("acct-2", await Directory(bridge).ExternalIdAsync("u_alice_0", "jira"));
    }

    [Fact]
    public async Task ExternalId_RowsUidChanged_MovesInTheIndex()
    {
        await using var bridge = await StartAsync();
        await SetAsync(bridge, "jira", "acct-1", "u_alice_0");
        await SetAsync(bridge, "jira", "acct-2", "u_alice_0");
        Assert.Equal("acct-2", await Directory(bridge).ExternalIdAsync("u_alice_0", "jira"));

        await SetAsync(bridge, "jira", "acct-2", "u_bob_0");
        var entry = await Store(bridge).GetIndexAsync("jira", "u_alice_0");

        Assert.Equal("acct-1", entry?.ExternalId);
        Assert.Equal("acct-2", await Directory(bridge).ExternalIdAsync("u_bob_0", "jira"));
        Assert.Equal("acct-1", await Directory(bridge).ExternalIdAsync("u_alice_0", "jira"));
        Assert.DoesNotContain(bridge.Logs.Lines, IsRepair);
    }

    [Fact]
    public async Task Set_AnotherWriterMovesTheRowBetweenReadAndWrite_ReadsAgainAndTheIndexStaysRight()
    {
        await using var bridge = await StartAsync();
        await SetAsync(bridge, "jira", "acct-1", "u_alice_0");
        var other = Store(bridge);
        var interfered = false;
        // The real client against Azurite, but for one seam: right after this writer's first read of acct-1, another
        // writer moves acct-1 to u_carol_0, so this writer's transaction meets a changed row and index.
        var table = new Mock<TableClient>(azurite.ConnectionString, bridge.People.Name) { CallBase = true };
        table.Setup(t => t.GetEntityIfExistsAsync<PersonEntity>("jira", "acct-1", It.IsAny<IEnumerable<string>>(), It.IsAny<CancellationToken>()))
            .Returns(async (string ns, string rowKey, IEnumerable<string> select, CancellationToken token) =>
            {
                var read = await bridge.People.GetEntityIfExistsAsync<PersonEntity>(ns, rowKey, select, token);
                if (!interfered)
                {
                    interfered = true;
                    await other.SetAsync(new PersonMapping("jira", "acct-1", "u_carol_0", null, "test"), "other", token);
                }

                return read;
            });
        var store = new PeopleStore(table.Object, _time);

        var (row, _, changed) = await store.SetAsync(new PersonMapping("jira", "acct-1", "u_bob_0", null, "test"), "test");

        Assert.True(interfered);
        Assert.True(changed);
        Assert.Equal("u_bob_0", row.KibanaUid);
        Assert.Equal("acct-1", (await store.GetIndexAsync("jira", "u_bob_0"))?.ExternalId);
        Assert.Null(await store.GetIndexAsync("jira", "u_carol_0")); // the retry released what the other writer claimed
        Assert.Null(await store.GetIndexAsync("jira", "u_alice_0"));
        Assert.Equal("u_bob_0", (await store.GetAsync("jira", "acct-1"))?.KibanaUid);
    }

    [Fact]
    public async Task ExternalId_RowsFromBeforeTheIndex_FallsBackToTheQueryAndWritesTheEntry()
    {
        await using var bridge = await StartAsync();
        await bridge.MapAsync("jira", "legacy/acct#1", "u_alice_0"); // written as earlier versions did: no index entry
        Assert.Null(await Store(bridge).GetIndexAsync("jira", "u_alice_0"));

        var answer = await Directory(bridge).ExternalIdAsync("u_alice_0", "jira");

        Assert.Equal("legacy/acct#1", answer);
        var entry = await Store(bridge).GetIndexAsync("jira", "u_alice_0");
        Assert.Equal(RowKeys.Encode("legacy/acct#1"), entry?.MappingRowKey);
        Assert.Contains(bridge.Logs.Lines, IsRepair);
    }

    [Fact]
    public async Task ExternalId_EntryStaleAfterAWriteBehindTheBridge_AnswersTheTableAndRepairsTheEntry()
    {
        await using var bridge = await StartAsync();
        await SetAsync(bridge, "jira", "acct-1", "u_alice_0");
        await SetAsync(bridge, "jira", "acct-2", "u_alice_0");
        await bridge.MapAsync("jira", "acct-2", "u_bob_0"); // a tool writing the table directly: the entry still names acct-2

        var answer = await Directory(bridge).ExternalIdAsync("u_alice_0", "jira");

        Assert.Equal("acct-1", answer);
        Assert.Equal("acct-1", (await Store(bridge).GetIndexAsync("jira", "u_alice_0"))?.ExternalId);
    }

    [Fact]
    public async Task ExternalId_OnlyAnEmailRow_TicketNamespacesDoNotAnswerFromIt()
    {
        await using var bridge = await StartAsync();
        await SetAsync(bridge, "email", "alice@example.com", "u_alice_0");

        Assert.Null(await Directory(bridge).ExternalIdAsync("u_alice_0", "jira"));
        Assert.Null(await Directory(bridge).ExternalIdAsync("u_alice_0", "servicenow"));
        Assert.Equal("alice@example.com", await Directory(bridge).ExternalIdAsync("u_alice_0", "email"));
    }

    [Fact]
    public async Task ExternalId_UnknownNamespace_Throws()
    {
        await using var bridge = await StartAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => Directory(bridge).ExternalIdAsync("u_alice_0", "github"));
    }

    [Fact]
    public async Task ExternalId_MissCachedThenSetThroughTheStore_CacheForgetsIt()
    {
        await using var bridge = await StartAsync();
        Assert.Null(await Directory(bridge).ExternalIdAsync("u_alice_0", "jira"));

        await SetAsync(bridge, "jira", "acct-1", "u_alice_0");

        Assert.Equal("acct-1", await Directory(bridge).ExternalIdAsync("u_alice_0", "jira"));
    }

    [Fact]
    public async Task ExternalId_AnswerCachedThenMovedAndRemoved_CacheForgetsBothUids()
    {
        await using var bridge = await StartAsync();
        await SetAsync(bridge, "jira", "acct-1", "u_alice_0");
        Assert.Equal("acct-1", await Directory(bridge).ExternalIdAsync("u_alice_0", "jira"));
        Assert.Null(await Directory(bridge).ExternalIdAsync("u_bob_0", "jira"));

        await SetAsync(bridge, "jira", "acct-1", "u_bob_0");
        var alice = await Directory(bridge).ExternalIdAsync("u_alice_0", "jira");
        var bob = await Directory(bridge).ExternalIdAsync("u_bob_0", "jira");
        await Store(bridge).RemoveAsync("jira", "acct-1");

        Assert.Null(alice);
        Assert.Equal("acct-1", bob);
        Assert.Null(await Directory(bridge).ExternalIdAsync("u_bob_0", "jira"));
    }

    [Fact]
    public async Task ExternalId_StorageUnreachable_PeopleUnavailable()
    {
        await using var bridge = await StartAsync();
        var unreachable = new TableServiceClient(new Uri("http://127.0.0.1:9/devstoreaccount1"), new TableSharedKeyCredential("devstoreaccount1", Convert.ToBase64String(new byte[64])),
            new TableClientOptions { Retry = { MaxRetries = 0 } });
        var directory = new PeopleDirectory(unreachable, Options.Create(new PeopleOptions()), new MemoryCache(new MemoryCacheOptions()), _time, NullLogger<PeopleDirectory>.Instance);

        await Assert.ThrowsAsync<PeopleUnavailableException>(() => directory.ExternalIdAsync("u_alice_0", "jira"));
    }

    [Fact]
    public async Task Import_AddsAndChanges_KeepTheIndexInStep()
    {
        await using var bridge = await StartAsync();
        var importer = new PeopleImporter(Store(bridge));
        await importer.ImportAsync(PeopleFile.ReadCsv("jira,acct-1,,u_alice_0,\njira,acct-2,,u_alice_0,\njira,acct-3,,u_carol_0,\nservicenow,sn-1,,u_alice_0,\n"), "test", dryRun: false);
        var first = await Directory(bridge).ExternalIdAsync("u_alice_0", "jira");

        _time.Advance(TimeSpan.FromMinutes(1));
        var summary = await importer.ImportAsync(PeopleFile.ReadCsv("jira,acct-2,,u_bob_0,\njira,acct-3,,u_carol_0,Carol\n"), "test", dryRun: false);
        var entry = await Store(bridge).GetIndexAsync("jira", "u_alice_0");

        Assert.Equal("acct-2", first); // the file's last row for the UID
        Assert.Equal(2, summary.Changed);
        Assert.Equal("acct-1", entry?.ExternalId); // written by the import, not by a look-up's repair
        Assert.Equal("acct-1", await Directory(bridge).ExternalIdAsync("u_alice_0", "jira")); // left by acct-2: falls back
        Assert.Equal("acct-2", await Directory(bridge).ExternalIdAsync("u_bob_0", "jira"));
        Assert.Equal("acct-3", await Directory(bridge).ExternalIdAsync("u_carol_0", "jira"));
        Assert.Equal("sn-1", await Directory(bridge).ExternalIdAsync("u_alice_0", "servicenow"));
        Assert.DoesNotContain(bridge.Logs.Lines, IsRepair);
    }

    [Fact]
    public async Task Import_EveryRowOfAUidMovesAway_TheEntryGoes()
    {
        await using var bridge = await StartAsync();
        var importer = new PeopleImporter(Store(bridge));
        await importer.ImportAsync(PeopleFile.ReadCsv("jira,acct-1,,u_alice_0,\njira,acct-2,,u_alice_0,\n"), "test", dryRun: false);

        await importer.ImportAsync(PeopleFile.ReadCsv("jira,acct-1,,u_bob_0,\njira,acct-2,,u_carol_0,\n"), "test", dryRun: false);

        Assert.Null(await Store(bridge).GetIndexAsync("jira", "u_alice_0"));
        Assert.Null(await Directory(bridge).ExternalIdAsync("u_alice_0", "jira"));
        Assert.DoesNotContain(bridge.Logs.Lines, IsRepair);
        Assert.Equal("acct-1", await Directory(bridge).ExternalIdAsync("u_bob_0", "jira"));
    }

    [Fact]
    public async Task Import_ManyUidsLeftInOneNamespace_FallBacksChosenFromOneReadOfThePartition()
    {
        await using var bridge = await StartAsync();
        var importer = new PeopleImporter(Store(bridge));
        const int People = 60; // more than the importer reads point by point
        var extra = string.Concat(Enumerable.Range(0, People).Select(i => $"jira,extra-{i},,u_{i},\n"));
        var main = string.Concat(Enumerable.Range(0, People).Select(i => $"jira,acct-{i},,u_{i},\n"));
        await importer.ImportAsync(PeopleFile.ReadCsv(extra + main), "test", dryRun: false);
        var before = await Directory(bridge).ExternalIdAsync("u_7", "jira");

        var summary = await importer.ImportAsync(PeopleFile.ReadCsv(string.Concat(Enumerable.Range(0, People).Select(i => $"jira,acct-{i},,v_{i},\n"))), "test", dryRun: false);

        Assert.Equal("acct-7", before);
        Assert.Equal(People, summary.Changed);
        for (var i = 0; i < People; i++)
        {
            Assert.Equal($"extra-{i}", (await Store(bridge).GetIndexAsync("jira", $"u_{i}"))?.ExternalId);
            Assert.Equal($"acct-{i}", (await Store(bridge).GetIndexAsync("jira", $"v_{i}"))?.ExternalId);
        }

        Assert.Equal("extra-7", await Directory(bridge).ExternalIdAsync("u_7", "jira"));
        Assert.DoesNotContain(bridge.Logs.Lines, IsRepair);
    }

    [Fact]
    public async Task Import_ManyRowsOfOneUid_OneEntryAndTransactionsOfAtMostAHundred()
    {
        await using var bridge = await StartAsync();
        var csv = string.Concat(Enumerable.Range(0, 250).Select(i => $"jira,acct-{i},,u_{i % 3},\n"));

        var summary = await new PeopleImporter(Store(bridge)).ImportAsync(PeopleFile.ReadCsv(csv), "test", dryRun: false);

        Assert.Equal(250, summary.Added);
        Assert.Equal("acct-249", await Directory(bridge).ExternalIdAsync("u_0", "jira"));
        Assert.Equal("acct-248", await Directory(bridge).ExternalIdAsync("u_2", "jira"));
        var entries = await bridge.People.QueryAsync<UidIndexEntity>($"RowKey ge '{UidIndex.RowsFrom}' and RowKey lt '{UidIndex.RowsTo}'").ToListAsync();
        Assert.Equal(3, entries.Count);
    }

    [Fact]
    public async Task IndexRows_NotListedExportedCountedNorDiffed()
    {
        await using var bridge = await StartAsync();
        var store = Store(bridge);
        const string csv = "namespace,externalId,email,kibanaUid,displayName\njira,acct-1,alice@example.com,u_alice_0,Alice\nslack,U1,,u_bob_0,Bob\n";
        var file = PeopleFile.ReadCsv(csv);
        await new PeopleImporter(store).ImportAsync(file, "test", dryRun: false);
        var all = await bridge.People.QueryAsync<TableEntity>().ToListAsync();

        var listed = new List<PersonView>();
        await foreach (var row in store.ListAsync(null))
        {
            listed.Add(row);
        }

        var listedJira = new List<PersonView>();
        await foreach (var row in store.ListAsync("jira"))
        {
            listedJira.Add(row);
        }

        var again = await new PeopleImporter(store).ImportAsync(file, "test", dryRun: true);
        var (_, exported, _) = await PeopleImportTests.RunAsync(bridge, "people", "export");
        var (_, _, counted) = await PeopleImportTests.RunAsync(bridge, "people", "list");
        var (_, resolved, _) = await PeopleImportTests.RunAsync(bridge, "people", "resolve", "jira:acct-1");

        Assert.Equal(6, all.Count); // three mappings and three index entries
        Assert.Equal(["email:alice@example.com", "jira:acct-1", "slack:U1"], listed.Select(r => $"{r.Namespace}:{r.ExternalId}"));
        Assert.Equal("acct-1", Assert.Single(listedJira).ExternalId);
        Assert.Equal((0, 0, 3), (again.Added, again.Changed, again.Unchanged));
        Assert.Equal(4, exported.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // the header and three rows
        Assert.Contains("3 rows in table", counted, StringComparison.Ordinal);
        Assert.Contains("direct -> u_alice_0", resolved, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IndexRows_ForwardLookupsStillAnswer()
    {
        await using var bridge = await StartAsync();
        await SetAsync(bridge, "jira", "acct-1", "u_alice_0");

        var resolution = await Directory(bridge).ResolveAsync(new PersonRef("jira", "acct-1"), allowDefault: false);
        var byIndexKey = await Directory(bridge).ResolveAsync(new PersonRef("jira", UidIndex.RowKey("u_alice_0")), allowDefault: false);

        Assert.Equal("u_alice_0", resolution.Uid);
        Assert.Null(byIndexKey.Uid); // an id spelled like an index key is encoded, so it never reads an entry
    }

    private static bool IsRepair(string logLine) => logLine.Contains("[2003]", StringComparison.Ordinal);

    private Task<BridgeHarness> StartAsync() => BridgeHarness.StartAsync(azurite, time: _time);

    private static PeopleDirectory Directory(BridgeHarness bridge) => bridge.Services.GetRequiredService<PeopleDirectory>();

    private static PeopleStore Store(BridgeHarness bridge) => bridge.Services.GetRequiredService<PeopleStore>();

    // Each set a minute after the one before, so "most recently set" is plain from the audit columns too.
    private async Task SetAsync(BridgeHarness bridge, string ns, string externalId, string uid)
    {
        _time.Advance(TimeSpan.FromMinutes(1));
        var (mapping, problem) = PeopleFile.Validate("test", ns, externalId, uid, null);
        Assert.Null(problem);
        await Store(bridge).SetAsync(mapping!, "test");
    }
}

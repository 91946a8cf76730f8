using AssignBridge.Audit;
using AssignBridge.Cli;

namespace AssignBridge.Tests;

public sealed class AuditRecordTests
{
    [Fact]
    public void RowKey_LaterTime_SortsFirst()
    {
        var earlier = AuditLog.RowKey(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), "b");
        var later = AuditLog.RowKey(new DateTimeOffset(2026, 11, 25, 10, 0, 1, TimeSpan.Zero), "a");

        Assert.True(string.CompareOrdinal(later, earlier) < 0);
        Assert.Equal(earlier.Length, later.Length);
    }

    [Fact]
    public void Partitions_AnyIdOrTicket_LegalKeysAndDistinctPerSpace()
    {
        var odd = AuditLog.AlertPartition("soc", "id/with#chars?and\\more");

        Assert.DoesNotContain('/', odd);
        Assert.DoesNotContain('#', odd);
        Assert.NotEqual(AuditLog.AlertPartition("soc", "a"), AuditLog.AlertPartition("emea", "a"));
        Assert.NotEqual(AuditLog.AlertPartition("soc", "a"), AuditLog.TicketPartition("a"));
    }

    [Fact]
    public void Describe_AppliedAndFailed_OneReadableLine()
    {
        var at = new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
        var applied = new AuditRecord(at, AuditRecord.Applied, "soc", ["a-1"], 1, ["u_alice_0"], ["u_bob_0"], "jira", "d-1", "jira:10002", "SOC-41", "alice",
            new KibanaAnswer(200, 1, 1, 0, 0, 0, null));
        var failed = applied with { Result = AuditRecord.Failed, Alerts = ["a-1", "a-2"], AlertCount = 2, Kibana = new KibanaAnswer(403, null, null, null, null, null, "unauthorized") };

        Assert.Equal("2026-11-25 10:00:00Z applied soc/a-1 +u_alice_0 -u_bob_0 | jira delivery d-1, ticket jira:10002, ref SOC-41, asked by alice | Kibana 200: total 1, updated 1, conflicts 0",
            AuditCommands.Describe(applied));
        Assert.EndsWith("failed soc/2 alerts +u_alice_0 -u_bob_0 | jira delivery d-1, ticket jira:10002, ref SOC-41, asked by alice | Kibana 403: unauthorized",
            AuditCommands.Describe(failed), StringComparison.Ordinal);
    }
}

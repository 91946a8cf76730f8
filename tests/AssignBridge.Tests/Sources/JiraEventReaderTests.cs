using System.Text.Json;
using System.Text;
using AssignBridge.Kibana;
using AssignBridge.People;
using AssignBridge.Sources.Jira;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AssignBridge.Tests.Sources;

public sealed class JiraEventReaderTests
{
    [Fact]
    public void Read_DataCenterChangelogHoldsUserKey_NameAndEmailFromIssueAssignee()
    {
        var reading = Read("""
            {"timestamp":1700000000000,"webhookEvent":"jira:issue_updated","user":{"name":"erin","key":"erin"},
             "issue":{"id":"20100","key":"SEC-7","self":"https://jira.corp.example/rest/api/2/issue/20100",
               "fields":{"customfield_1":"a1","assignee":{"name":"dave","key":"JIRAUSER10100","emailAddress":"Dave@Example.com"}}},
             "changelog":{"id":"30555","items":[{"field":"assignee","fieldtype":"jira","from":"erin","to":"JIRAUSER10100"}]}}
            """);

        var intent = Assert.IsType<JiraAssignment>(reading).Intent;
        Assert.Equal(new PersonRef("jira-dc", "dave", "dave@example.com"), Assert.Single(intent.Add));
        Assert.Equal(new PersonRef("jira-dc", "erin"), Assert.Single(intent.Remove));
        Assert.Equal("jira.corp.example:20100:30555", intent.DeliveryId);
        Assert.Equal("jira:20100", intent.Ticket!.Key);
        Assert.Equal(30555, intent.Ticket.Sequence);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1700000000000), intent.Ticket.ChangedAt);
        Assert.Equal("jira:erin", intent.RequestedBy);
    }

    [Fact]
    public void Read_DataCenterOldServerNoEventTypeNoFieldIdNameInTo_UsesName()
    {
        var reading = Read("""
            {"webhookEvent":"jira:issue_updated","user":{"name":"admin","key":"admin"},
             "issue":{"id":"1","key":"SEC-1","fields":{"customfield_1":"a1","assignee":{"name":"admin","key":"admin"}}},
             "changelog":{"id":"2","items":[{"field":"assignee","from":null,"to":"admin"}]}}
            """);

        Assert.Equal(new PersonRef("jira-dc", "admin"), Assert.Single(Assert.IsType<JiraAssignment>(reading).Intent.Add));
    }

    [Fact]
    public void Read_CloudFieldIdOnlyAndTmpAccountIds_AccountIdsWithEmailOnlyForTheShownAssignee()
    {
        var reading = Read("""
            {"webhookEvent":"jira:issue_updated","issue":{"id":"1","key":"SOC-1","fields":{"customfield_1":"a1",
               "assignee":{"accountId":"acc-b","emailAddress":"bob@example.com"}}},
             "changelog":{"id":"7","items":[{"fieldId":"assignee","from":"acc-a","to":"acc-b","tmpFromAccountId":"acc-a","tmpToAccountId":"acc-b"}]}}
            """, identifier: "hook-1");

        var intent = Assert.IsType<JiraAssignment>(reading).Intent;
        Assert.Equal(new PersonRef("jira", "acc-b", "bob@example.com"), Assert.Single(intent.Add));
        Assert.Equal(new PersonRef("jira", "acc-a"), Assert.Single(intent.Remove));
        Assert.Equal("jira:hook-1", intent.DeliveryId);
    }

    [Theory]
    [InlineData("""{"webhookEvent":"comment_created","issue":{"id":"1","fields":{"customfield_1":"a1"}}}""", "event 'comment_created' is not an assignment change")]
    [InlineData("""{"webhookEvent":"jira:issue_updated","issue":{"id":"1","fields":{"customfield_1":"a1"}},"changelog":{"id":"1","items":[{"field":"status","from":"1","to":"3"}]}}""", "the changelog holds no assignee change")]
    [InlineData("""{"webhookEvent":"jira:issue_updated","issue":{"id":"1","fields":{"customfield_1":"a1"}},"changelog":{"id":"1","items":[{"field":"assignee","from":"x","to":"x"}]}}""", "the assignee did not change")]
    [InlineData("""{"webhookEvent":"jira:issue_created","issue":{"id":"1","fields":{"customfield_1":"a1","assignee":null}}}""", "the issue was created without an assignee")]
    [InlineData("""{"webhookEvent":"jira:issue_updated","issue":{"id":"1","fields":{}},"changelog":{"id":"1","items":[{"field":"assignee","from":null,"to":"acc"}]}}""", "the issue links no alerts")]
    [InlineData("""{"issue":{"id":"1","fields":{"customfield_1":"a1","assignee":null}}}""", "the issue has no assignee and the body names no previous one (send the changelog, or use an admin webhook)")]
    public void Read_NothingToDo_IgnoredWithReason(string json, string reason)
    {
        Assert.Equal(reason, Assert.IsType<JiraIgnored>(Read(json)).Reason);
    }

    [Theory]
    [InlineData("""{"hello":1}""")]
    [InlineData("""{"webhookEvent":"jira:issue_updated"}""")]
    [InlineData("""{"webhookEvent":"","issue":{"id":"1"}}""")]
    [InlineData("""{"webhookEvent":["x"],"issue":{"id":"1"}}""")]
    [InlineData("""{"webhookEvent":"jira:issue_updated","issue":{"key":"SOC-1"}}""")]
    public void Read_NotAUsableDelivery_Malformed(string json)
    {
        Assert.IsType<JiraMalformed>(Read(json));
    }

    [Fact]
    public void Read_AlertsFromFieldLabelsAndPatternInAtlassianDocument_DistinctInOrder()
    {
        var options = new JiraOptions { AlertField = "customfield_1", AlertPattern = @"alert[:=](?<id>[0-9a-f]{8})" };
        var reading = Read("""
            {"webhookEvent":"jira:issue_updated","issue":{"id":"1","key":"SOC-1","fields":{
               "customfield_1":["a1; a2", {"value":"a3"}],
               "labels":["kibana-alert:a4","other","Kibana-Alert:a1"],
               "summary":"alert=0badf00d seen",
               "description":{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"see alert:deadbeef"}]}]}}},
             "changelog":{"id":"1","items":[{"field":"assignee","from":null,"to":"acc","tmpToAccountId":"acc"}]}}
            """, options: options);

        var intent = Assert.IsType<JiraAssignment>(reading).Intent;
        Assert.Equal(["a1", "a2", "a3", "a4", "0badf00d", "deadbeef"], intent.Alerts.Select(a => a.AlertId));
    }

    [Theory]
    [InlineData("""["kibana-space:emea"]""", "SOC", "emea")]
    [InlineData("""[]""", "SOC", "soc")]
    [InlineData("""[]""", "OPS", "fallback")]
    public void Read_Space_LabelThenProjectMapThenDefault(string labels, string project, string expected)
    {
        var options = new JiraOptions { AlertField = "customfield_1", DefaultSpace = "fallback" };
        options.ProjectSpaces["soc"] = "soc";
        var reading = Read("""
            {"webhookEvent":"jira:issue_updated","issue":{"id":"1","key":"PROJECT-1","fields":{"customfield_1":"a1","labels":LABELS,"project":{"key":"PROJECT"}}},
             "changelog":{"id":"1","items":[{"field":"assignee","from":null,"to":"acc","tmpToAccountId":"acc"}]}}
            """.Replace("PROJECT", project, StringComparison.Ordinal).Replace("LABELS", labels, StringComparison.Ordinal), options: options);

        Assert.Equal(expected, Assert.IsType<JiraAssignment>(reading).Intent.Alerts.Single().Space);
    }

    [Theory]
    [InlineData("labels", "fields.labels")]
    [InlineData("customfield_9", "fields.customfield_9")]
    public void Read_SpaceOverTheLimit_MalformedNamingTheField(string where, string field)
    {
        var space = new string('s', 101);
        var options = new JiraOptions { AlertField = "customfield_1", SpaceField = "customfield_9" };
        var named = where == "labels" ? $"\"labels\":[\"kibana-space:{space}\"]" : $"\"customfield_9\":\"{space}\"";
        var reading = Read($$$"""
            {"webhookEvent":"jira:issue_updated","issue":{"id":"1","key":"SOC-1","fields":{"customfield_1":"a1",{{{named}}}}},
             "changelog":{"id":"1","items":[{"field":"assignee","from":null,"to":"acc","tmpToAccountId":"acc"}]}}
            """, options: options);

        var problem = Assert.IsType<JiraMalformed>(reading).Problem;
        Assert.Contains($"{field}", problem, StringComparison.Ordinal);
        Assert.Contains("is 101 characters long; a Kibana space id here has at most 100", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_AutomationFormatWithHistories_NewestAssigneeHistoryIsTheChange()
    {
        var reading = Read("""
            {"self":"https://x.atlassian.net/rest/api/2/issue/5","id":"5","key":"SOC-5","fields":{"customfield_1":"a1","assignee":{"accountId":"acc-c"}},
             "changelog":{"histories":[
               {"id":"100","created":"2026-11-25T10:00:00.000+0000","items":[{"field":"assignee","fieldId":"assignee","from":null,"to":"acc-a"}]},
               {"id":"120","created":"2026-11-25T11:00:00.000+0000","items":[{"field":"assignee","fieldId":"assignee","from":"acc-a","to":"acc-c"}]},
               {"id":"130","created":"2026-11-25T12:00:00.000+0000","items":[{"field":"status","from":"1","to":"3"}]}]}}
            """);

        var intent = Assert.IsType<JiraAssignment>(reading).Intent;
        Assert.Equal("acc-c", Assert.Single(intent.Add).Id);
        Assert.Equal("acc-a", Assert.Single(intent.Remove).Id);
        Assert.Equal("x.atlassian.net:5:120", intent.DeliveryId);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 11, 0, 0, TimeSpan.Zero), intent.Ticket!.ChangedAt);
        Assert.Equal("jira-automation", intent.RequestedBy);
    }

    [Fact]
    public void Read_AutomationSnapshotWithoutChangelog_AddsTheAssigneeDeliveryIdFromBody()
    {
        var json = """{"issue":{"id":"5","key":"SOC-5","fields":{"customfield_1":"a1","assignee":{"accountId":"acc-c"}}}}""";

        var first = Assert.IsType<JiraAssignment>(Read(json)).Intent;
        var second = Assert.IsType<JiraAssignment>(Read(json)).Intent;

        Assert.Equal(new PersonRef("jira", "acc-c"), Assert.Single(first.Add));
        Assert.Empty(first.Remove);
        Assert.Equal(first.DeliveryId, second.DeliveryId);
    }

    private static JiraReading Read(string json, JiraOptions? options = null, string? identifier = null)
    {
        options ??= new JiraOptions { AlertField = "customfield_1" };
        var reader = new JiraEventReader(Options.Create(options), Options.Create(new KibanaOptions()), NullLogger<JiraEventReader>.Instance);
        var body = Encoding.UTF8.GetBytes(json);
        var payload = JsonSerializer.Deserialize(body, JiraJsonContext.Default.JiraWebhookPayload)!;
        return reader.Read(payload, body, identifier);
    }
}

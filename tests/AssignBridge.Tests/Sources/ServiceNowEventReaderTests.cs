using System.Text.Json;
using AssignBridge.Kibana;
using AssignBridge.People;
using AssignBridge.Sources.ServiceNow;
using Microsoft.Extensions.Options;

namespace AssignBridge.Tests.Sources;

public sealed class ServiceNowEventReaderTests
{
    private const string Record = """
        "version":1,"table":"incident","sys_id":"9D385017C611228701D22104CC95C371","number":"INC0010001","sys_mod_count":"4","sys_updated_on":"2026-11-25 16:59:58"
        """;

    [Fact]
    public void Read_Reassign_IntentWithTicketOrderedByModCount()
    {
        var reading = Read($$"""
            { {{Record}}, "assigned_to":{"sys_id":"b","user_name":"bob","email":"Bob@Example.com"}, "previous_assigned_to":{"sys_id":"a","user_name":"alice","email":""},
              "correlation_id":"4e9c3e10-6b1c-11ee-8c99-0242ac120002:abc123", "alert_ids":["abc123","def456"], "updated_by":"soc.lead" }
            """);

        var intent = Assert.IsType<ServiceNowAssignment>(reading).Intent;
        Assert.Equal("incident:9d385017c611228701d22104cc95c371:4", intent.DeliveryId);
        Assert.Equal(new PersonRef("servicenow", "bob", "bob@example.com"), Assert.Single(intent.Add));
        Assert.Equal(new PersonRef("servicenow", "alice"), Assert.Single(intent.Remove));
        Assert.Equal(["abc123", "def456"], intent.Alerts.Select(a => a.AlertId));
        Assert.All(intent.Alerts, a => Assert.Equal("default", a.Space));
        Assert.Equal(new AssignBridge.Assignments.TicketRef("servicenow:incident:9d385017c611228701d22104cc95c371", new DateTimeOffset(2026, 11, 25, 16, 59, 58, TimeSpan.Zero), 4), intent.Ticket);
        Assert.Equal("INC0010001", intent.Reference);
        Assert.Equal("servicenow:soc.lead", intent.RequestedBy);
    }

    [Fact]
    public void Read_IdentityFieldSysIdAndEmailOnlyUser()
    {
        var reading = Read($$"""
            { {{Record}}, "assigned_to":{"sys_id":"b","user_name":"bob"}, "previous_assigned_to":{"sys_id":"","user_name":"","email":"old@example.com"}, "correlation_id":"x" }
            """, new ServiceNowOptions { IdentityField = "sys_id" });

        var intent = Assert.IsType<ServiceNowAssignment>(reading).Intent;
        Assert.Equal(new PersonRef("servicenow", "b"), Assert.Single(intent.Add));
        Assert.Equal(PersonRef.ForEmail("old@example.com"), Assert.Single(intent.Remove));
        Assert.Equal("x", intent.Alerts.Single().AlertId);
    }

    [Theory]
    [InlineData("""{"sys_id":"a","user_name":"alice"}""", """{"sys_id":"a","user_name":"alice"}""", "the assignee did not change")]
    [InlineData("null", "null", "nobody was or is assigned")]
    [InlineData("""{"sys_id":"","user_name":"","email":""}""", null, "unassigned, and previous_assigned_to was not sent")]
    public void Read_NothingToDo_Ignored(string current, string? previous, string reason)
    {
        var previousMember = previous is null ? "" : ", \"previous_assigned_to\":" + previous;
        var reading = Read("{ " + Record + ", \"assigned_to\":" + current + previousMember + ", \"correlation_id\":\"r:a\" }");

        Assert.Equal(reason, Assert.IsType<ServiceNowIgnored>(reading).Reason);
    }

    [Fact]
    public void Read_SpaceOverTheLimit_MalformedNamingTheField()
    {
        var reading = Read($$"""
            { {{Record}}, "assigned_to":{"sys_id":"b","user_name":"bob"}, "correlation_id":"r:a", "space":"{{new string('s', 101)}}" }
            """);

        Assert.Equal("space is 101 characters long; a Kibana space id here has at most 100.", Assert.IsType<ServiceNowMalformed>(reading).Problem);
    }

    [Fact]
    public void Read_AssigneeEmailNotAnAddress_MalformedNamingTheField()
    {
        var reading = Read($$"""
            { {{Record}}, "assigned_to":{"sys_id":"b","user_name":"bob","email":"bob"}, "correlation_id":"r:a" }
            """);

        Assert.StartsWith("'bob' is not an email address: assigned_to.email", Assert.IsType<ServiceNowMalformed>(reading).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void FromCorrelationId_KibanaConnectorForm_AlertIdAfterFirstColon()
    {
        Assert.Equal("abc", AlertIds.FromCorrelationId("4e9c3e10-6b1c-11ee-8c99-0242ac120002:abc"));
        Assert.Equal("abc", AlertIds.FromCorrelationId("abc"));
    }

    [Fact]
    public void Split_CommonSeparators()
    {
        Assert.Equal(["a", "b", "c", "d", "e"], AlertIds.Split("a, b;c|d\n\te "));
        Assert.Empty(AlertIds.Split("  "));
    }

    private static ServiceNowReading Read(string json, ServiceNowOptions? options = null)
    {
        var payload = JsonSerializer.Deserialize(json, ServiceNowJsonContext.Default.ServiceNowPayload)!;
        return new ServiceNowEventReader(Options.Create(options ?? new ServiceNowOptions()), Options.Create(new KibanaOptions())).Read(payload);
    }
}

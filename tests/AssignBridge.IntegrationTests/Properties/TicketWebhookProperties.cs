using System.Globalization;
using System.Text.Json.Nodes;
using AssignBridge.IntegrationTests.Infrastructure;
using CsCheck;
using Xunit.Abstractions;
using static AssignBridge.IntegrationTests.Sources.TicketWebhooks;

namespace AssignBridge.IntegrationTests.Properties;

/// <summary>
/// Generated Jira and ServiceNow deliveries, signed with the configured secret so every one reaches the parser: the
/// shape of a real Jira Cloud assignment (Fixtures/jira/cloud-issue-assigned.json) and of the bridge's ServiceNow
/// contract (docs/senders/servicenow.md), with hostile values in the members the bridge reads and in some it does not.
/// </summary>
[Collection("azurite")]
public sealed class TicketWebhookProperties(AzuriteFixture azurite, ITestOutputHelper output)
{
    public const int JiraCases = 400;
    public const int ServiceNowCases = 400;

    private static readonly Gen<string> AccountId = Gen.Frequency((8, Gen.OneOf($"\"{Alice}\"", $"\"{Bob}\"", "null", "\"70121:stranger\"")), (1, Hostile.Value));

    private static readonly Gen<string> ChangelogItem = Gen.Select(
        Hostile.Mostly("\"assignee\"", Hostile.Value), Hostile.Mostly("\"assignee\"", Hostile.Value), AccountId, AccountId, AccountId, Hostile.Mostly("\"Alice Analyst\"", Hostile.Value),
        (field, fieldId, from, to, tmpTo, toString) =>
            $"{{\"field\":{field},\"fieldtype\":\"jira\",\"fieldId\":{fieldId},\"from\":{from},\"fromString\":null,\"to\":{to},\"toString\":{toString},\"tmpFromAccountId\":{from},\"tmpToAccountId\":{tmpTo}}}");

    private static readonly Gen<string> Items = Gen.Frequency((10, ChangelogItem.Array[1, 3].Select(i => "[" + string.Join(',', i) + "]")), (1, Hostile.Value));

    private static readonly Gen<string> Assignee = Gen.Frequency(
        (8, Gen.Select(AccountId, Hostile.Mostly("\"Alice\"", Hostile.Value), Hostile.Mostly("null", Hostile.Value), (id, name, email) => $"{{\"accountId\":{id},\"displayName\":{name},\"emailAddress\":{email}}}")),
        (1, Gen.Const("null")),
        (1, Hostile.Value));

    private static readonly Gen<string> Labels = Gen.Frequency(
        (5, Gen.Const("[\"phishing\"]")),
        (2, Gen.Select(Hostile.Mostly("soc", Gen.Frequency((1, Hostile.Text), (1, Hostile.IdLike))), Hostile.StringValue, (space, other) => $"[{Hostile.Literal("kibana-space:" + space)},{other}]")),
        (1, Hostile.List));

    private static readonly Gen<string> AlertField = Gen.Frequency(
        (10, Gen.OneOf("\"alert-1\"", "\"alert-1,alert-2\"", "\"no-such-alert\"")),
        (1, Hostile.IdLike.Select(Hostile.Literal)),
        (2, Hostile.Value));

    /// <summary>The parts of a Jira delivery; the body is built when it is sent, so its timestamp is current.</summary>
    internal sealed record JiraCase(string Event, string IssueId, string Key, string Alert, string Labels, string Custom, string Assignee, string ChangelogId, string Items, string Extra)
    {
        public byte[] Body(long nowMs) => System.Text.Encoding.UTF8.GetBytes(
            $"{{\"timestamp\":{nowMs.ToString(CultureInfo.InvariantCulture)},\"webhookEvent\":{Event},\"issue_event_type_name\":\"issue_assigned\"," +
            $"\"user\":{{\"accountId\":\"{Alice}\",\"displayName\":\"Alice Analyst\"}}," +
            $"\"issue\":{{\"id\":{IssueId},\"self\":\"https://soc-example.atlassian.net/rest/api/2/10040\",\"key\":{Key},\"fields\":{{\"labels\":{Labels},\"customfield_10050\":{Alert},\"customfield_10030\":{Custom},\"assignee\":{Assignee},\"summary\":\"x\"}}}}," +
            $"\"changelog\":{{\"id\":{ChangelogId},\"items\":{Items}}}{Extra}}}");

        public override string ToString() => Hostile.Show(System.Text.Encoding.UTF8.GetString(Body(0)), 3_000);
    }

    internal static readonly Gen<JiraCase> Jira = Gen.Select(
        Gen.Select(
            Hostile.Mostly("\"jira:issue_updated\"", Gen.Frequency((1, Gen.OneOf("\"jira:issue_created\"", "\"comment_created\"")), (2, Hostile.Value))),
            Hostile.Mostly("\"10040\"", Hostile.Value),
            Hostile.Mostly("\"SOC-41\"", Hostile.Value),
            AlertField,
            Labels),
        Gen.Select(Hostile.Mostly("null", Hostile.Value), Assignee, Hostile.Mostly("\"10230\"", Hostile.Value), Items, Hostile.Extra("webhookEvent", "issue", "changelog", "timestamp")),
        (a, b) => new JiraCase(a.Item1, a.Item2, a.Item3, a.Item4, a.Item5, b.Item1, b.Item2, b.Item3, b.Item4, b.Item5));

    private static readonly Gen<string> SnUser = Gen.Frequency(
        (10, Gen.Select(Hostile.Mostly("\"62826bf03710200044e0bfc8bcbe5df1\"", Hostile.Value), Hostile.Mostly("\"alice.analyst\"", Hostile.Value), Hostile.Mostly("\"alice@example.com\"", Hostile.Value),
            (sysId, user, email) => $"{{\"sys_id\":{sysId},\"user_name\":{user},\"email\":{email}}}")),
        (1, Gen.Const("null")),
        (1, Hostile.Value));

    private static readonly Gen<string> SysId = Gen.Char["0123456789abcdef"].Array[32].Select(c => $"\"{new string(c)}\"");

    /// <summary>The parts of a ServiceNow delivery; sent_at is set when it is sent (or left hostile).</summary>
    internal sealed record ServiceNowCase(string Version, string Table, string SysId, string ModCount, string? SentAt, string AssignedTo, string? Previous, string? Correlation, string? AlertIds, string? Space, string Rest)
    {
        public byte[] Body(DateTimeOffset now)
        {
            var sent = SentAt ?? Hostile.Literal(now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
            var members = new List<string>
            {
                $"\"version\":{Version}", $"\"table\":{Table}", $"\"sys_id\":{SysId}", "\"number\":\"INC0010001\"", $"\"sys_mod_count\":{ModCount}",
                $"\"sent_at\":{sent}", $"\"assigned_to\":{AssignedTo}",
            };
            members.AddRange(new[] { ("previous_assigned_to", Previous), ("correlation_id", Correlation), ("alert_ids", AlertIds), ("space", Space) }
                .Where(m => m.Item2 is not null).Select(m => $"\"{m.Item1}\":{m.Item2}"));
            return System.Text.Encoding.UTF8.GetBytes("{" + string.Join(',', members) + Rest + "}");
        }

        public override string ToString() => Hostile.Show(System.Text.Encoding.UTF8.GetString(Body(DateTimeOffset.UnixEpoch)), 3_000);
    }

    internal static readonly Gen<ServiceNowCase> ServiceNow = Gen.Select(
        Gen.Select(
            Hostile.Mostly("1", Hostile.Value),
            Hostile.Mostly("\"incident\"", Gen.Frequency((1, Gen.Const("\"sn_si_incident\"")), (2, Hostile.Value))),
            Gen.Frequency((12, SysId), (1, Hostile.Value)),
            Gen.Frequency((12, Gen.Int[0, 1_000_000].Select(i => i.ToString(CultureInfo.InvariantCulture))), (1, Gen.OneOf("\"7\"", "-1", "9223372036854775807", "1e3", "\"\"")), (1, Hostile.Value)),
            Gen.Frequency((15, Gen.Const((string?)null)), (1, Hostile.Value.Select(v => (string?)v))),
            SnUser),
        Gen.Select(
            Gen.Null(SnUser, 0.4),
            Gen.Null(Gen.Frequency((8, Gen.OneOf("\"rule-1:alert-1\"", "\"alert-1\"", "\"a:b:c\"", "\":\"")), (2, Hostile.Value)), 0.2),
            Gen.Null(Hostile.Mostly("[\"alert-2\"]", Hostile.List), 0.6),
            Gen.Null(Hostile.Mostly("\"soc\"", Gen.Frequency((1, Hostile.IdLike.Select(Hostile.Literal)), (2, Hostile.Value))), 0.5),
            Gen.Select(Gen.Null(Hostile.Value, 0.6), Hostile.Extra("version", "sys_id", "assigned_to", "alert_ids", "space"), (updatedBy, extra) => (updatedBy is null ? string.Empty : $",\"updated_by\":{updatedBy}") + extra)),
        (a, b) => new ServiceNowCase(a.Item1, a.Item2, a.Item3, a.Item4, a.Item5, a.Item6, b.Item1, b.Item2, b.Item3, b.Item4, b.Item5));

    [Fact]
    public async Task Jira_GeneratedSignedDeliveries_NoUndocumented5xxAndEveryAcceptedDeliveryFinished()
    {
        await using var bridge = await StartAsync();
        var property = new IngressProperty(bridge, output);
        using var client = IngressProperty.NewClient(bridge, bearer: null);

        await property.RunAsync(Jira, c => SendJiraAsync(client, property, c), JiraCases);
    }

    [Fact]
    public async Task ServiceNow_GeneratedSignedDeliveries_NoUndocumented5xxAndEveryAcceptedDeliveryFinished()
    {
        await using var bridge = await StartAsync();
        var property = new IngressProperty(bridge, output);
        using var client = IngressProperty.NewClient(bridge, bearer: null);

        await property.RunAsync(ServiceNow, c => SendServiceNowAsync(client, property, c), ServiceNowCases);
    }

    internal static async Task SendJiraAsync(HttpClient client, IngressProperty property, JiraCase c)
    {
        using var response = await PostJiraAsync(client, c.Body(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        await WebhookAnswerAsync(property, response, "POST /api/webhooks/jira", "jira");
    }

    internal static async Task SendServiceNowAsync(HttpClient client, IngressProperty property, ServiceNowCase c)
    {
        using var response = await PostServiceNowAsync(client, c.Body(DateTimeOffset.UtcNow));
        await WebhookAnswerAsync(property, response, "POST /api/webhooks/servicenow", "servicenow");
    }

    internal async Task<BridgeHarness> StartAsync()
    {
        var bridge = await BridgeHarness.StartAsync(azurite, Settings());
        await MapPeopleAsync(bridge);
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        bridge.Kibana.State.SeedAlert("default", "alert-2");
        bridge.Kibana.State.SeedAlert("soc", "alert-1");
        return bridge;
    }

    private static async Task WebhookAnswerAsync(IngressProperty property, HttpResponseMessage response, string route, string source)
    {
        var body = await property.AnswerAsync(response, route);
        if (response.IsSuccessStatusCode && JsonNode.Parse(body) is JsonObject answer
            && answer["status"]?.GetValue<string>() is { } status && status != "ignored"
            && answer["deliveryId"]?.GetValue<string>() is { } deliveryId)
        {
            property.Accepted(source, deliveryId);
        }
    }
}

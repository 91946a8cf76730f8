using System.Text;
using System.Text.Json.Nodes;
using AssignBridge.AssignmentsApi;
using AssignBridge.Cli;
using AssignBridge.Commands.Slack;
using AssignBridge.Commands.Teams;
using AssignBridge.Platform.Security;
using AssignBridge.Sources.Jira;
using AssignBridge.Sources.ServiceNow;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace AssignBridge.Tests.Cli;

/// <summary>What <c>assignbridge send</c> makes is what the bridge's own verifiers accept, from the same settings.</summary>
public sealed class SendersTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private static readonly IConfiguration s_settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Jira:Secrets:0"] = "jira-secret",
        ["Jira:Secrets:1"] = "jira-secret-being-rotated-in",
        ["Jira:AutomationSecrets:0"] = "automation-secret",
        ["Jira:AutomationSecretHeader"] = "X-Our-Automation-Secret",
        ["ServiceNow:Secrets:0"] = "servicenow-secret",
        ["Slack:SigningSecrets:0"] = "slack-secret",
        ["Teams:SecurityTokens:0"] = Convert.ToBase64String("teams-security-token-of-32-bytes"u8),
        ["Assignments:Tokens:0"] = "assignments-token",
    }).Build();

    [Fact]
    public async Task Jira_AdminWebhook_SignatureAndTimestampPassTheVerifier()
    {
        var (request, body) = await PrepareAsync("jira", "assigned", """{"timestamp": 1550287081752, "webhookEvent": "jira:issue_updated"}""");

        var verifier = new JiraSignatureVerifier(s_settings, new FakeTimeProvider(s_now));
        var (check, via) = verifier.Verify(body, Header(request, JiraSignatureVerifier.SignatureHeader), null, null);

        Assert.Equal((SignatureCheck.Valid, JiraAuth.Signature), (check, via));
        Assert.Equal(s_now.ToUnixTimeMilliseconds(), JsonNode.Parse(body)!["timestamp"]!.GetValue<long>());
        Assert.Equal(SignatureCheck.Valid, verifier.CheckFreshness(s_now.ToUnixTimeMilliseconds(), TimeSpan.FromMinutes(5)));
        Assert.True(Guid.TryParse(Header(request, JiraEndpoints.IdentifierHeader), out _));
    }

    [Fact]
    public async Task Jira_AutomationSample_TheConfiguredHeaderCarriesTheSharedSecret()
    {
        var (request, body) = await PrepareAsync("jira", "automation", """{"issue": {"id": "10041"}}""");

        var (check, via) = new JiraSignatureVerifier(s_settings, TimeProvider.System).Verify(body, Header(request, JiraSignatureVerifier.SignatureHeader), Header(request, "X-Our-Automation-Secret"), null);

        Assert.Equal((SignatureCheck.Valid, JiraAuth.SharedSecret), (check, via));
        Assert.Null(Header(request, JiraEndpoints.IdentifierHeader));
    }

    [Fact]
    public async Task ServiceNow_SignatureAndSendTimePassTheVerifier()
    {
        var (request, body) = await PrepareAsync("servicenow", "assigned", """{"version": 1, "sys_updated_on": "2025-01-01 00:00:00", "sent_at": "2025-01-01 00:00:00"}""");

        var verifier = new ServiceNowVerifier(s_settings, new FakeTimeProvider(s_now));

        Assert.Equal((SignatureCheck.Valid, ServiceNowAuth.Signature), verifier.Verify(body, Header(request, ServiceNowVerifier.SignatureHeader), null));
        Assert.Equal("2026-11-25 10:00:00", JsonNode.Parse(body)!["sent_at"]!.GetValue<string>());
        Assert.Equal(SignatureCheck.Valid, verifier.CheckFreshness(ServiceNowVerifier.ParseTime(JsonNode.Parse(body)!["sent_at"]!.GetValue<string>()), TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public async Task Slack_SignatureOverTimestampAndBodyPassesTheVerifier_WithAFreshTriggerId()
    {
        var (request, body) = await PrepareAsync("slack", "assign", "team_id=T1&user_id=U1&text=alert-1+me&trigger_id=1.2.3");

        var check = new SlackSignatureVerifier(s_settings, new FakeTimeProvider(s_now)).Verify(Header(request, SlackSignatureVerifier.TimestampHeader), Header(request, SlackSignatureVerifier.SignatureHeader), body);

        Assert.Equal(SignatureCheck.Valid, check);
        Assert.StartsWith("team_id=T1&user_id=U1&text=alert-1+me&trigger_id=", Encoding.UTF8.GetString(body), StringComparison.Ordinal);
        Assert.DoesNotContain("trigger_id=1.2.3", Encoding.UTF8.GetString(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Teams_HmacPassesTheVerifier_WithTheActivityIdGiven()
    {
        var (request, body) = await PrepareAsync("teams", "assign", """{"type": "message", "id": "1481567603816", "text": "<at>AssignBridge</at> assign a-1 me"}""", deliveryId: "activity-7");

        Assert.Equal(SignatureCheck.Valid, new TeamsSignatureVerifier(s_settings).Verify(Header(request, "Authorization"), body));
        Assert.Equal("""{"type": "message", "id": "activity-7", "text": "<at>AssignBridge</at> assign a-1 me"}""", Encoding.UTF8.GetString(body));
    }

    [Fact]
    public async Task Assignments_BearerTokenOfTheSettingAndAnIdempotencyKey()
    {
        var (request, body) = await PrepareAsync("assignments", "add", """{"alertIds": ["a-1"], "add": ["uid:u_a_0"]}""", deliveryId: "soar-run-1");

        Assert.Equal(SignatureCheck.Valid, new BearerTokens(s_settings, $"{AssignBridge.AssignmentsApi.AssignmentsOptions.SectionName}:{AssignBridge.AssignmentsApi.AssignmentsOptions.TokensKey}", "api").Verify(Header(request, "Authorization"), out _));
        Assert.Equal("soar-run-1", Header(request, AssignmentsEndpoints.DeliveryIdHeader));
        Assert.Equal("""{"alertIds": ["a-1"], "add": ["uid:u_a_0"]}""", Encoding.UTF8.GetString(body));
    }

    [Theory]
    [InlineData("jira", "Jira:Secrets")]
    [InlineData("servicenow", "ServiceNow:Secrets")]
    [InlineData("slack", "Slack:SigningSecrets")]
    [InlineData("teams", "Teams:SecurityTokens")]
    [InlineData("assignments", "Assignments:Tokens")]
    public void Prepare_NoSecretConfigured_NamesTheSettingAndSendsNothing(string sender, string setting)
    {
        var delivery = Senders.Find(sender)!.Prepare(new SendRequest("x", "{}"u8.ToArray(), new ConfigurationBuilder().Build(), s_now, null, false), out var problem);

        Assert.Null(delivery);
        Assert.Contains(setting, problem, StringComparison.Ordinal);
        Assert.Contains(setting.Replace(":", "__", StringComparison.Ordinal) + "__0", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Senders_PostWhereTheBridgeListensWithItsSettingsAndHeaders()
    {
        Assert.Equal(
            [JiraEndpoints.Route, ServiceNowEndpoints.Route, SlackEndpoints.Route, TeamsEndpoints.Route, AssignmentsEndpoints.Route],
            Senders.All.Select(s => s.Route));
        Assert.Equal(JiraSignatureVerifier.SecretsSetting, JiraSender.SecretsSetting);
        Assert.Equal(JiraSignatureVerifier.AutomationSecretsSetting, JiraSender.AutomationSecretsSetting);
        Assert.Equal($"{JiraOptions.SectionName}:{nameof(JiraOptions.AutomationSecretHeader)}", JiraSender.AutomationHeaderSetting);
        Assert.Equal(JiraSender.DefaultAutomationHeader, new JiraOptions().AutomationSecretHeader);
        Assert.Equal(JiraSignatureVerifier.SignatureHeader, JiraSender.SignatureHeader);
        Assert.Equal(JiraEndpoints.IdentifierHeader, JiraSender.IdentifierHeader);
        Assert.Equal(ServiceNowVerifier.SecretsSetting, ServiceNowSender.SecretsSetting);
        Assert.Equal(ServiceNowVerifier.SignatureHeader, ServiceNowSender.SignatureHeader);
        Assert.Equal(SlackSignatureVerifier.SecretsSetting, SlackSender.SecretsSetting);
        Assert.Equal(SlackSignatureVerifier.SignatureHeader, SlackSender.SignatureHeader);
        Assert.Equal(SlackSignatureVerifier.TimestampHeader, SlackSender.TimestampHeader);
        Assert.Equal(TeamsSignatureVerifier.TokensSetting, TeamsSender.TokensSetting);
        Assert.Equal($"{AssignBridge.AssignmentsApi.AssignmentsOptions.SectionName}:{AssignBridge.AssignmentsApi.AssignmentsOptions.TokensKey}", AssignmentsSender.TokensSetting);
        Assert.Equal(AssignmentsEndpoints.DeliveryIdHeader, AssignmentsSender.DeliveryIdHeader);
    }

    [Fact]
    public void JsonStamp_TopLevelValuesOnly_EveryOtherByteKept()
    {
        var body = "{\n  \"timestamp\": 1,\n  \"nested\": { \"timestamp\": 2 },\n  \"id\": \"a\\\"b\",\n  \"text\": \"<at>x</at> é\"\n}\n"u8.ToArray();

        var stamped = BodyStamps.Json(body, new Dictionary<string, string> { ["timestamp"] = "99", ["id"] = BodyStamps.JsonString("new") });

        Assert.Equal("{\n  \"timestamp\": 99,\n  \"nested\": { \"timestamp\": 2 },\n  \"id\": \"new\",\n  \"text\": \"<at>x</at> é\"\n}\n", Encoding.UTF8.GetString(stamped));
    }

    [Fact]
    public void ProgressLine_Render_BarCountsAndRate()
    {
        Assert.Equal("[#####-----] 25,000/50,000 rows   50%  5,000 rows/s", ProgressLine.Render(new AssignBridge.People.ImportProgress(25_000, 50_000), TimeSpan.FromSeconds(5), 10));
        Assert.Equal("[----------] 0/10 rows    0%", ProgressLine.Render(new AssignBridge.People.ImportProgress(0, 10), TimeSpan.Zero, 10));
    }

    private static async Task<(HttpRequestMessage Request, byte[] Body)> PrepareAsync(string sender, string sample, string body, string? deliveryId = null)
    {
        var delivery = Senders.Find(sender)!.Prepare(new SendRequest(sample, Encoding.UTF8.GetBytes(body), s_settings, s_now, deliveryId, false), out var problem);
        Assert.True(delivery is not null, problem);
        return (delivery.Request, await delivery.Request.Content!.ReadAsByteArrayAsync());
    }

    private static string? Header(HttpRequestMessage request, string name) =>
        request.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}

using System.Globalization;
using System.Net;
using System.Text;
using AssignBridge.IntegrationTests.Commands;
using AssignBridge.IntegrationTests.Infrastructure;
using Xunit.Abstractions;
using static AssignBridge.IntegrationTests.Sources.TicketWebhooks;

namespace AssignBridge.IntegrationTests.Properties;

/// <summary>
/// The failures the property tests found, each as its minimal input (shrunk from the generated case, whose seed is
/// named), so each stays a regular test once fixed. Each sends one request and checks the same two properties.
/// </summary>
[Collection("azurite")]
public sealed class FoundByPropertiesTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    /// <summary>Seed e1PmP35fw-w6 (Slack): a space that the command grammar takes (255 chars) but Kibana's space id (100) does not.</summary>
    [Fact]
    public async Task Slack_SpaceLongerThanKibanaAllows_AnsweredAndNothingLeftPending()
    {
        await using var receiver = await ResponseUrlReceiver.StartAsync();
        await using var bridge = await ChatCommandProperties.StartSlackAsync(azurite, receiver);
        var property = new IngressProperty(bridge, output);
        using var client = IngressProperty.NewClient(bridge, bearer: null);
        var form = new ChatCommandProperties.SlackCase("T1", "C1", ChatCommandProperties.SlackCaller, "/assign-alert", "alert-1 me in " + new string('a', 101), Guid.NewGuid().ToString("n"), false, string.Empty);

        await property.RunOnceAsync(() => ChatCommandProperties.SendSlackAsync(client, property, form.Form(receiver.ResponseUrl)));
    }

    /// <summary>Seed afEBH4eQas54 (Slack): a user_id whose table key would pass 512 characters.</summary>
    [Fact]
    public async Task Slack_UserIdLongerThanATableKey_AnsweredWithout500()
    {
        await using var receiver = await ResponseUrlReceiver.StartAsync();
        await using var bridge = await ChatCommandProperties.StartSlackAsync(azurite, receiver);
        var property = new IngressProperty(bridge, output);
        using var client = IngressProperty.NewClient(bridge, bearer: null);
        var form = new ChatCommandProperties.SlackCase("T1", "C1", new string('U', 513), "/assign-alert", "alert-1 me", Guid.NewGuid().ToString("n"), false, string.Empty);

        await property.RunOnceAsync(() => ChatCommandProperties.SendSlackAsync(client, property, form.Form(receiver.ResponseUrl)));
    }

    /// <summary>Seed aqxIEEo-6Pi8 (Teams): a sender aadObjectId whose table key would pass 512 characters.</summary>
    [Fact]
    public async Task Teams_AadObjectIdLongerThanATableKey_AnsweredWithout500()
    {
        await using var bridge = await ChatCommandProperties.StartTeamsAsync(azurite);
        var property = new IngressProperty(bridge, output);
        using var client = IngressProperty.NewClient(bridge, bearer: null);
        var activity = new ChatCommandProperties.TeamsCase("\"message\"", "\"1700000000101\"", $"{{\"id\":\"29:caller\",\"name\":\"Casey\",\"aadObjectId\":\"{new string('a', 513)}\"}}",
            "\"<at>AssignBridge</at> alert-1 me\"", "[]", "\"19:team@thread.skype\"", string.Empty);

        await property.RunOnceAsync(() => ChatCommandProperties.SendTeamsAsync(client, property, activity.Json()));
    }

    /// <summary>Seed bb6A8G-xHls3 (Teams): a null among the activity's entities (NullReferenceException while matching mentions).</summary>
    [Fact]
    public async Task Teams_NullEntity_AnsweredWithout500()
    {
        await using var bridge = await ChatCommandProperties.StartTeamsAsync(azurite);
        var property = new IngressProperty(bridge, output);
        using var client = IngressProperty.NewClient(bridge, bearer: null);
        var activity = new ChatCommandProperties.TeamsCase("\"message\"", "\"c0c5a44faa0f2d29cf4f41c4ad50b793\"", "{\"id\":\"29:caller\",\"name\":\"Casey Caller\",\"aadObjectId\":\"aad-caller\"}",
            "\"<p><at>AssignBridge</at> alert-1 alert-2 to me</p>\"", "[null]", "\"19:team@thread.skype\"", string.Empty);

        await property.RunOnceAsync(() => ChatCommandProperties.SendTeamsAsync(client, property, activity.Json()));
    }

    /// <summary>Seed eNwBhWP7xHI8 (assignments): a lone surrogate written as a JSON escape, in a member name or in a string value.</summary>
    [Theory]
    [InlineData("""{"alertIds":["alert-1"],"add":["u_alice_0"],"\ud800":1}""")]
    [InlineData("""{"alertIds":["alert-1"],"add":["\ud800"]}""")]
    [InlineData("""{"alertIds":["\udc00"],"add":["u_alice_0"]}""")]
    public async Task Assignments_LoneSurrogateEscape_4xxNot500(string body)
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        var property = new IngressProperty(bridge, output);
        using var client = IngressProperty.NewClient(bridge);

        await property.RunOnceAsync(() => AssignmentsProperties.SendAsync(client, property, body, string.Empty));
    }

    /// <summary>Seed dgglPmlPBc14 (Jira): a lone surrogate escape in a label of a signed delivery.</summary>
    [Theory]
    [InlineData("labels", """["kibana-space:soc","\udc00"]""")]
    [InlineData("customfield_10050", "\"\\ud800\"")]
    public async Task Jira_LoneSurrogateEscape_4xxNot500(string field, string value)
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, Settings());
        await MapPeopleAsync(bridge);
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        var property = new IngressProperty(bridge, output);
        using var client = IngressProperty.NewClient(bridge, bearer: null);
        var body = Fixture("jira/cloud-issue-assigned.json")
            .Replace("\"timestamp\": 1550287081752", "\"timestamp\": " + DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace(field == "labels" ? "\"labels\": [ \"phishing\" ]" : "\"customfield_10050\": \"alert-1\"", $"\"{field}\": {value}", StringComparison.Ordinal);

        await property.RunOnceAsync(async () =>
        {
            using var response = await PostJiraAsync(client, Encoding.UTF8.GetBytes(body));
            await property.AnswerAsync(response, "POST /api/webhooks/jira");
            Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
        });
    }

    /// <summary>The generated cases themselves, replayed from the seeds CsCheck reported (valid for the generators as committed).</summary>
    [Fact]
    public async Task Jira_SeedOfLoneSurrogateFailure_Replays()
    {
        await using var bridge = await new TicketWebhookProperties(azurite, output).StartAsync();
        var property = new IngressProperty(bridge, output);
        using var client = IngressProperty.NewClient(bridge, bearer: null);

        await property.RunAsync(TicketWebhookProperties.Jira, c => TicketWebhookProperties.SendJiraAsync(client, property, c), iter: 1, seed: "dgglPmlPBc14");
    }

    [Fact]
    public async Task Slack_SeedOfOverLongSpaceFailure_Replays()
    {
        await using var receiver = await ResponseUrlReceiver.StartAsync();
        await using var bridge = await ChatCommandProperties.StartSlackAsync(azurite, receiver);
        var property = new IngressProperty(bridge, output);
        using var client = IngressProperty.NewClient(bridge, bearer: null);

        await property.RunAsync(ChatCommandProperties.Slack, c => ChatCommandProperties.SendSlackAsync(client, property, c.Form(receiver.ResponseUrl)), iter: 1, seed: "e1PmP35fw-w6");
    }
}

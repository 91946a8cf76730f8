using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text;
using AssignBridge.Commands.Slack;
using AssignBridge.Delivery;
using AssignBridge.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AssignBridge.IntegrationTests.Commands;

/// <summary>The Slack slash command through the real HTTP surface: signature, grammar, who may assign, the 3-second deadline and the response_url follow-up.</summary>
[Collection("azurite")]
public sealed class SlackCommandTests(AzuriteFixture azurite)
{
    private const string Secret = "slack-signing-secret-for-tests-0001";
    private const string Caller = "U0CALLER";

    private static Dictionary<string, string> Settings(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string> { ["Slack:SigningSecrets:0"] = Secret };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static async Task<BridgeHarness> StartAsync(AzuriteFixture azurite, Dictionary<string, string> settings)
    {
        var bridge = await BridgeHarness.StartAsync(azurite, settings);
        await bridge.MapAsync("slack", Caller, "u_caller_0");
        await bridge.MapAsync("slack", "U1ALICE", "u_alice_0");
        return bridge;
    }

    private static string Form(string text, string command = "/assign-alert", string user = Caller, string channel = "C1", string? responseUrl = null, string trigger = "") =>
        string.Join('&', new Dictionary<string, string>
        {
            ["token"] = "deprecated",
            ["team_id"] = "T1",
            ["team_domain"] = "soc",
            ["channel_id"] = channel,
            ["user_id"] = user,
            ["user_name"] = "caller",
            ["command"] = command,
            ["text"] = text,
            ["response_url"] = responseUrl ?? "https://hooks.slack.com/commands/T1/1/x",
            ["trigger_id"] = trigger.Length > 0 ? trigger : Guid.NewGuid().ToString("n"),
        }.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value).Replace("%20", "+", StringComparison.Ordinal)}"));

    private static async Task<HttpResponseMessage> PostAsync(BridgeHarness bridge, string form, string? secret = Secret, long? timestamp = null)
    {
        using var http = new HttpClient { BaseAddress = bridge.Client.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var ts = (timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ToString(CultureInfo.InvariantCulture);
        var body = Encoding.UTF8.GetBytes(form);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/commands/slack") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/x-www-form-urlencoded");
        request.Headers.Add(SlackSignatureVerifier.TimestampHeader, ts);
        if (secret is not null)
        {
            request.Headers.Add(SlackSignatureVerifier.SignatureHeader, SlackSignatureVerifier.Sign(secret, ts, body));
        }

        return await http.SendAsync(request);
    }

    private static async Task<string> TextAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("ephemeral", json["response_type"]!.GetValue<string>());
        return json["text"]!.GetValue<string>();
    }

    [Fact]
    public async Task DryRun_Assign_RepliesWithThePlanAndKibanaUntouched()
    {
        await using var bridge = await StartAsync(azurite, Settings(("Slack:DryRun", "true")));
        bridge.Kibana.State.SeedAlert("default", "alert-1");

        using var response = await PostAsync(bridge, Form("alert-1 to <@U1ALICE|alice>"));
        var text = await TextAsync(response);

        Assert.StartsWith("Dry run, nothing changed in Kibana: this would assign @alice (`u_alice_0`) to 1 alert in space `default` (1 Kibana request).", text, StringComparison.Ordinal);
        Assert.Empty(bridge.Kibana.State.GetAssignees("default", "alert-1") ?? []);
        Assert.DoesNotContain(bridge.Kibana.State.Requests, r => r.Path.EndsWith("/signals/assignees", StringComparison.Ordinal));
        var audit = await bridge.Services.GetRequiredService<AssignBridge.Audit.AuditLog>().ForAlertAsync("default", "alert-1", 10);
        Assert.Equal("planned", Assert.Single(audit).Result);
    }

    [Fact]
    public async Task Assign_EscapedMention_AppliedAndAnsweredWithoutSecrets()
    {
        await using var bridge = await StartAsync(azurite, Settings());
        bridge.Kibana.State.SeedAlert("default", "alert-1");

        using var response = await PostAsync(bridge, Form("alert-1 to <@U1ALICE|alice>"));
        var text = await TextAsync(response);

        Assert.StartsWith("Applied: assigned @alice to 1 alert in space `default`", text, StringComparison.Ordinal);
        Assert.Equal(["u_alice_0"], bridge.Kibana.State.GetAssignees("default", "alert-1"));
        Assert.DoesNotContain(bridge.Logs.Lines, l => l.Contains(Secret, StringComparison.Ordinal) || l.Contains("v0=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AssignMe_InSpace_CallerAssigned()
    {
        await using var bridge = await StartAsync(azurite, Settings());
        bridge.Kibana.State.SeedAlert("soc", "alert-2");

        using var response = await PostAsync(bridge, Form("me alert-2 in soc"));
        var text = await TextAsync(response);

        Assert.Contains("assigned you to 1 alert in space `soc`", text, StringComparison.Ordinal);
        Assert.Equal(["u_caller_0"], bridge.Kibana.State.GetAssignees("soc", "alert-2"));
    }

    [Fact]
    public async Task Unassign_RemovesThePerson()
    {
        await using var bridge = await StartAsync(azurite, Settings());
        bridge.Kibana.State.SeedAlert("default", "alert-3", "u_alice_0", "u_other_0");

        using var response = await PostAsync(bridge, Form("alert-3 <@U1ALICE|alice>", command: "/unassign-alert"));
        var text = await TextAsync(response);

        Assert.Contains("unassigned @alice from 1 alert", text, StringComparison.Ordinal);
        Assert.Equal(["u_other_0"], bridge.Kibana.State.GetAssignees("default", "alert-3"));
    }

    [Fact]
    public async Task UnknownAlertIds_NamedInTheAnswer()
    {
        await using var bridge = await StartAsync(azurite, Settings());
        bridge.Kibana.State.SeedAlert("default", "alert-1");

        using var response = await PostAsync(bridge, Form("alert-1 no-such-alert me"));
        var text = await TextAsync(response);

        Assert.Contains("Not found in Kibana space `default`: `no-such-alert`", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnmappedPerson_RejectPolicy_NothingChangedAndWhoCanFixIt()
    {
        await using var bridge = await StartAsync(azurite, Settings());
        bridge.Kibana.State.SeedAlert("default", "alert-1");

        using var response = await PostAsync(bridge, Form("alert-1 <@U9NOBODY|nobody>"));
        var text = await TextAsync(response);

        Assert.Contains("Nothing was changed: @nobody (`slack:U9NOBODY`) is not mapped", text, StringComparison.Ordinal);
        Assert.Contains("people set", text, StringComparison.Ordinal);
        Assert.Null(bridge.Kibana.State.GetAssignees("default", "alert-1"));
    }

    [Fact]
    public async Task UnmappedCaller_DeniedWithWhoCanFixIt()
    {
        await using var bridge = await StartAsync(azurite, Settings());
        bridge.Kibana.State.SeedAlert("default", "alert-1");

        using var response = await PostAsync(bridge, Form("alert-1 <@U1ALICE|alice>", user: "U7STRANGER"));
        var text = await TextAsync(response);

        Assert.Contains("You are not mapped to a Kibana user", text, StringComparison.Ordinal);
        Assert.Contains("people set slack:U7STRANGER <kibana-uid>", text, StringComparison.Ordinal);
        Assert.Empty(bridge.Kibana.State.Requests);
    }

    [Fact]
    public async Task ChannelNotAllowed_DeniedSayingWhy()
    {
        await using var bridge = await StartAsync(azurite, Settings(("Slack:AllowedChannels:0", "CSOC")));

        using var response = await PostAsync(bridge, Form("alert-1 me", channel: "CRANDOM"));

        Assert.Contains("Slack:AllowedChannels", await TextAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelpAndGarbage_UsageAnswered()
    {
        await using var bridge = await StartAsync(azurite, Settings());

        using var help = await PostAsync(bridge, Form("help"));
        using var garbage = await PostAsync(bridge, Form("please assign this to @bob"));

        Assert.Contains("/assign-alert <alert-id>", await TextAsync(help), StringComparison.Ordinal);
        var text = await TextAsync(garbage);
        Assert.Contains("`@bob`", text, StringComparison.Ordinal);
        Assert.Contains("Usage:", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadSignature_StaleTimestampOrNoSecret_401()
    {
        await using var bridge = await StartAsync(azurite, Settings());
        await using var unconfigured = await BridgeHarness.StartAsync(azurite);

        using var wrong = await PostAsync(bridge, Form("alert-1 me"), secret: "not-the-secret");
        using var unsigned = await PostAsync(bridge, Form("alert-1 me"), secret: null);
        using var stale = await PostAsync(bridge, Form("alert-1 me"), timestamp: DateTimeOffset.UtcNow.AddMinutes(-6).ToUnixTimeSeconds());
        using var noSecret = await PostAsync(unconfigured, Form("alert-1 me"));

        Assert.All(new[] { wrong, unsigned, stale, noSecret }, r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        Assert.Contains(bridge.Logs.Lines, l => l.Contains("[1401]", StringComparison.Ordinal) && l.Contains("Expired", StringComparison.Ordinal));
        Assert.DoesNotContain(bridge.Logs.Lines, l => l.Contains(Secret, StringComparison.Ordinal) || l.Contains("v0=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SslCheck_200()
    {
        await using var bridge = await StartAsync(azurite, Settings());

        using var response = await PostAsync(bridge, "ssl_check=1&token=deprecated", secret: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task SlowKibana_AcknowledgedAtTheDeadlineThenOutcomePostedToResponseUrl()
    {
        // Slack:AckSeconds is the bridge's deadline (validated below Slack's 3 s); Kibana answers well after it.
        await using var receiver = await ResponseUrlReceiver.StartAsync();
        await using var bridge = await StartAsync(azurite, Settings(
            ("Slack:ResponseUrlPrefixes:0", receiver.BaseAddress.ToString()), ("Kibana:MaxRetries", "0"), ("Slack:AckSeconds", "1")));
        bridge.Kibana.State.SeedAlert("default", "alert-slow");
        bridge.Kibana.State.Faults.Latency = TimeSpan.FromSeconds(5);

        using var response = await PostAsync(bridge, Form("alert-slow <@U1ALICE|alice>", responseUrl: receiver.ResponseUrl.ToString()));
        var text = await TextAsync(response);

        Assert.StartsWith("Working on it", text, StringComparison.Ordinal);
        Assert.Contains("I will post the result here", text, StringComparison.Ordinal);

        // Nothing runs behind the answer: the follow-up is a queue message, visible at once because the attempt only ran
        // out of time; the queue function (drained here as the host's listener would) attempts it and posts the outcome.
        var drained = await bridge.DrainQueueAsync();
        Assert.Equal(AssignBridge.Delivery.DeliveryStatus.Applied, Assert.Single(drained)!.Status);
        var posted = JsonNode.Parse(await receiver.NextAsync(TimeSpan.FromSeconds(45)))!;
        Assert.Contains("Applied: assigned @alice to 1 alert", posted["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(["u_alice_0"], bridge.Kibana.State.GetAssignees("default", "alert-slow"));
        Assert.DoesNotContain(bridge.Logs.Lines, l => l.Contains(receiver.ResponseUrl.AbsolutePath, StringComparison.Ordinal));
    }

    [Fact]
    public async Task KibanaDown_AcknowledgedThenFollowUpPostsOnceTheRetrySucceeds()
    {
        await using var receiver = await ResponseUrlReceiver.StartAsync();
        // The standalone poller runs here as it does in a local run: the retry is a queue message hidden for its back-off.
        await using var bridge = await StartAsync(azurite, Settings(
            ("Slack:ResponseUrlPrefixes:0", receiver.BaseAddress.ToString()), ("Kibana:MaxRetries", "0"), ("Journal:RetryBaseSeconds", "1"), ("Queue:Poll", "true")));
        bridge.Kibana.State.SeedAlert("default", "alert-4");
        bridge.Kibana.State.Faults.FailNext(1, 503, "boom");

        using var response = await PostAsync(bridge, Form("alert-4 me", responseUrl: receiver.ResponseUrl.ToString(), trigger: "trigger-down"));
        var text = await TextAsync(response);

        Assert.StartsWith("Working on it: Kibana failed for now", text, StringComparison.Ordinal);
        var posted = JsonNode.Parse(await receiver.NextAsync(TimeSpan.FromSeconds(30)))!;
        Assert.Contains("Applied: assigned you", posted["text"]!.GetValue<string>(), StringComparison.Ordinal);
        var entry = await bridge.Services.GetRequiredService<DeliveryJournal>().GetAsync("slack", SlackEndpoints.DeliveryId("T1", "C1", Caller, "trigger-down", []));
        Assert.Equal(DeliveryStatus.Applied, entry!.Status);
        Assert.Equal(2, entry.Attempts);
    }

    [Fact]
    public async Task ResponseUrlNotSlack_NoFollowUpButTheJournalKeepsIt()
    {
        await using var bridge = await StartAsync(azurite, Settings(("Kibana:MaxRetries", "0")));
        bridge.Kibana.State.SeedAlert("default", "alert-5");
        bridge.Kibana.State.Faults.FailNext(1, 503, "boom");

        using var response = await PostAsync(bridge, Form("alert-5 me", responseUrl: "http://169.254.169.254/latest/meta-data", trigger: "trigger-ssrf"));
        var text = await TextAsync(response);

        Assert.Contains("Check the alerts in Kibana", text, StringComparison.Ordinal);
        Assert.Contains(bridge.Logs.Lines, l => l.Contains("[1408]", StringComparison.Ordinal));
        var entry = await bridge.Services.GetRequiredService<DeliveryJournal>().GetAsync("slack", SlackEndpoints.DeliveryId("T1", "C1", Caller, "trigger-ssrf", []));
        Assert.Equal(DeliveryStatus.Retrying, entry!.Status);
    }
}

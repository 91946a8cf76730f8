using System.Net;
using System.Text.Json.Nodes;
using System.Text;
using AssignBridge.Commands.Teams;
using AssignBridge.Delivery;
using AssignBridge.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AssignBridge.IntegrationTests.Commands;

/// <summary>The Teams outgoing webhook through the real HTTP surface: HMAC, mentions through entities, dedupe on the activity id, the 5-second answer.</summary>
[Collection("azurite")]
public sealed class TeamsCommandTests(AzuriteFixture azurite)
{
    // Any base64 value works as a security token; this one is 32 random bytes, as Teams issues.
    private const string Token = "dGVhbXMtc2VjdXJpdHktdG9rZW4tZm9yLXRlc3RzITE=";
    private const string CallerAad = "aad-caller";

    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Teams:SecurityTokens:0"] = Token,
        ["Kibana:MaxRetries"] = "0",
        ["Journal:RetryBaseSeconds"] = "1",
    };

    private static async Task<BridgeHarness> StartAsync(AzuriteFixture azurite, Dictionary<string, string>? settings = null, FakeTimeProvider? time = null)
    {
        var bridge = await BridgeHarness.StartAsync(azurite, settings ?? Settings, time: time);
        await bridge.MapAsync("teams", CallerAad, "u_caller_0");
        await bridge.MapAsync("teams", "aad-bob", "u_bob_0");
        return bridge;
    }

    // The shape of an outgoing-webhook activity (webhook-sources.md §5): HTML text with <at> mentions and mention entities.
    private static string Activity(string id, string html, string from = CallerAad) => new JsonObject
    {
        ["type"] = "message",
        ["id"] = id,
        ["timestamp"] = "2026-11-25T10:00:00.000Z",
        ["serviceUrl"] = "https://smba.trafficmanager.net/emea/",
        ["channelId"] = "msteams",
        ["from"] = new JsonObject { ["id"] = "29:caller", ["name"] = "Casey Caller", ["aadObjectId"] = from },
        ["conversation"] = new JsonObject { ["id"] = "19:abc@thread.skype;messageid=" + id, ["isGroup"] = true, ["conversationType"] = "channel" },
        ["text"] = html,
        ["entities"] = new JsonArray
        {
            new JsonObject { ["type"] = "mention", ["text"] = "<at>AssignBridge</at>", ["mentioned"] = new JsonObject { ["id"] = "28:webhook", ["name"] = "AssignBridge" } },
            new JsonObject { ["type"] = "mention", ["text"] = "<at>Bob Jones</at>", ["mentioned"] = new JsonObject { ["id"] = "29:bob", ["name"] = "Bob Jones", ["aadObjectId"] = "aad-bob" } },
            new JsonObject { ["type"] = "clientInfo", ["locale"] = "en-GB" },
        },
        ["channelData"] = new JsonObject
        {
            ["teamsChannelId"] = "19:soc@thread.skype",
            ["teamsTeamId"] = "19:team@thread.skype",
            ["channel"] = new JsonObject { ["id"] = "19:soc@thread.skype" },
            ["team"] = new JsonObject { ["id"] = "19:team@thread.skype" },
            ["tenant"] = new JsonObject { ["id"] = "tenant-1" },
        },
    }.ToJsonString();

    private static async Task<HttpResponseMessage> PostAsync(BridgeHarness bridge, string json, string? token = Token)
    {
        using var http = new HttpClient { BaseAddress = bridge.Client.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var body = Encoding.UTF8.GetBytes(json);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/commands/teams") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", TeamsSignatureVerifier.Sign(token, body));
        }

        return await http.SendAsync(request);
    }

    private static async Task<string> TextAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("message", json["type"]!.GetValue<string>());
        return json["text"]!.GetValue<string>();
    }

    [Fact]
    public async Task Assign_MentionThroughEntity_Applied()
    {
        await using var bridge = await StartAsync(azurite);
        bridge.Kibana.State.SeedAlert("default", "alert-1");

        using var response = await PostAsync(bridge, Activity("1700000000001", "<p><at>AssignBridge</at> assign alert-1 to <at>Bob Jones</at></p>"));
        var text = await TextAsync(response);

        Assert.StartsWith("Applied: assigned @Bob Jones to 1 alert in space `default`", text, StringComparison.Ordinal);
        Assert.Contains("journal id `1700000000001`", text, StringComparison.Ordinal);
        Assert.Equal(["u_bob_0"], bridge.Kibana.State.GetAssignees("default", "alert-1"));
        Assert.DoesNotContain(bridge.Logs.Lines, l => l.Contains(Token, StringComparison.Ordinal) || l.Contains("HMAC ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SameActivityTwice_OneKibanaCallAndAnsweredFromTheJournal()
    {
        await using var bridge = await StartAsync(azurite);
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        var activity = Activity("1700000000002", "<at>AssignBridge</at> alert-1 me");

        using var first = await PostAsync(bridge, activity);
        using var second = await PostAsync(bridge, activity);

        Assert.StartsWith("Applied: assigned you", await TextAsync(first), StringComparison.Ordinal);
        Assert.Equal("Applied (journal id `1700000000002`).", await TextAsync(second));
        Assert.Single(bridge.Kibana.State.Requests, r => r.Path.EndsWith("/signals/assignees", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SlowKibana_AcceptedWillApplyAtTheDeadlineThenTheQueueApplies()
    {
        // Teams:DeadlineSeconds is the bridge's deadline (validated below Teams' 5 s); Kibana answers well after it.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var bridge = await StartAsync(azurite, new Dictionary<string, string>(Settings) { ["Teams:DeadlineSeconds"] = "1" }, time);
        bridge.Kibana.State.SeedAlert("default", "alert-slow");
        bridge.Kibana.State.Faults.Latency = TimeSpan.FromSeconds(6);

        using var response = await PostAsync(bridge, Activity("1700000000003", "<at>AssignBridge</at> unassign alert-slow <at>Bob Jones</at>"));
        var text = await TextAsync(response);

        Assert.StartsWith("Accepted, will apply", text, StringComparison.Ordinal);
        Assert.Contains("journal id `1700000000003`", text, StringComparison.Ordinal);

        bridge.Kibana.State.Faults.Latency = TimeSpan.Zero;
        bridge.Kibana.State.SeedAlert("default", "alert-slow", "u_bob_0");
        time.Advance(TimeSpan.FromSeconds(1.2)); // past the first back-off (Journal:RetryBaseSeconds)
        await bridge.ReconcileAsync();

        var entry = await bridge.Services.GetRequiredService<DeliveryJournal>().GetAsync("teams", "1700000000003");
        Assert.Equal(DeliveryStatus.Applied, entry!.Status);
        Assert.Empty(bridge.Kibana.State.GetAssignees("default", "alert-slow")!);
    }

    [Fact]
    public async Task UnmappedCaller_Denied()
    {
        await using var bridge = await StartAsync(azurite);

        using var response = await PostAsync(bridge, Activity("1700000000004", "<at>AssignBridge</at> alert-1 me", from: "aad-stranger"));

        Assert.Contains("people set teams:aad-stranger <kibana-uid>", await TextAsync(response), StringComparison.Ordinal);
        Assert.Empty(bridge.Kibana.State.Requests);
    }

    [Fact]
    public async Task Help_Usage()
    {
        await using var bridge = await StartAsync(azurite);

        using var response = await PostAsync(bridge, Activity("1700000000005", "<at>AssignBridge</at> help"));

        Assert.Contains("@AssignBridge assign <alert-id>", await TextAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongOrMissingHmac_401()
    {
        await using var bridge = await StartAsync(azurite);
        var other = Convert.ToBase64String(Encoding.UTF8.GetBytes("some other team's token"));

        using var wrong = await PostAsync(bridge, Activity("1700000000006", "<at>AssignBridge</at> alert-1 me"), token: other);
        using var missing = await PostAsync(bridge, Activity("1700000000006", "<at>AssignBridge</at> alert-1 me"), token: null);

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Empty(bridge.Kibana.State.Requests);
    }
}

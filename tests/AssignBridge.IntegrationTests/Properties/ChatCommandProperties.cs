using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using AssignBridge.Commands.Slack;
using AssignBridge.Commands.Teams;
using AssignBridge.IntegrationTests.Commands;
using AssignBridge.IntegrationTests.Infrastructure;
using CsCheck;
using Xunit.Abstractions;

namespace AssignBridge.IntegrationTests.Properties;

/// <summary>
/// Generated Slack slash commands and Teams outgoing-webhook activities, signed as each sender signs them (the same
/// helpers as SlackCommandTests and TeamsCommandTests), with the command grammar
/// <c>[assign|unassign] &lt;ids&gt; to &lt;people&gt; in &lt;space&gt;</c> filled with hostile ids, people and spaces.
/// </summary>
[Collection("azurite")]
public sealed class ChatCommandProperties(AzuriteFixture azurite, ITestOutputHelper output)
{
    public const int SlackCases = 500;
    public const int TeamsCases = 400;

    internal const string SlackSecret = "slack-signing-secret-for-tests-0001";
    internal const string SlackCaller = "U0CALLER";
    internal const string TeamsToken = "dGVhbXMtc2VjdXJpdHktdG9rZW4tZm9yLXRlc3RzITE=";
    internal const string TeamsCaller = "aad-caller";

    private static readonly Gen<string> Verb = Gen.Frequency((3, Gen.Const(string.Empty)), (3, Gen.OneOf("assign ", "unassign ", "Assign ")), (1, Gen.Const("help ")), (1, Hostile.Text.Select(t => t + " ")));

    private static readonly Gen<string> Ids = Gen.Frequency(
        (6, Gen.OneOf("alert-1", "alert-1 alert-2", "no-such-alert")),
        (3, Hostile.Text),
        (1, Hostile.IdLike),
        (1, Gen.Int[20, 600].Select(n => string.Join(' ', Enumerable.Range(0, n).Select(i => "a" + i.ToString(CultureInfo.InvariantCulture))))));

    /// <summary>A space that is well-formed except, often, its length; or hostile text.</summary>
    private static readonly Gen<string?> Space = Gen.Frequency(
        (3, Gen.Const((string?)null)),
        (2, Gen.Const<string?>("soc")),
        (2, Hostile.IdLike.Select(s => (string?)s)),
        (2, Hostile.Text.Select(s => (string?)s)));

    /// <summary>The grammar over words; <paramref name="person"/> yields the sender's own people.</summary>
    private static Gen<string> CommandText(Gen<string> person) => Gen.Frequency(
        (8, Gen.Select(Verb, Ids, person.Array[1, 3], Space, Gen.OneOf(" to ", " ", " from ", ", "),
            (verb, ids, people, space, joiner) => verb + ids + joiner + string.Join(' ', people) + (space is null ? string.Empty : " in " + space))),
        (1, Hostile.Text));

    private static readonly Gen<string> SlackPerson = Gen.Frequency(
        (10, Gen.OneOf("me", "<@U1ALICE|alice>", "<@U1ALICE>", "uid:u_bob_0", "alice@example.com")),
        (1, Gen.Select(Hostile.Text, Hostile.Text, (id, name) => $"<@{id}|{name}>")),
        (1, Hostile.Text.Select(t => "<@" + t + ">")),
        (1, Hostile.Text.Select(t => t + "@example.com")),
        (1, Hostile.Text.Select(t => "uid:" + t)),
        (1, Hostile.Text.Select(t => "@" + t)),
        (1, Hostile.Text));

    /// <summary>A slash-command form: every field valid or hostile, sometimes a field twice or undecodable percent sequences.</summary>
    internal sealed record SlackCase(string Team, string Channel, string User, string Command, string Text, string Trigger, bool ResponseUrlHostile, string Raw)
    {
        public string Form(Uri responseUrl) => string.Join('&', new[]
        {
            ("token", "deprecated"), ("team_id", Team), ("team_domain", "soc"), ("channel_id", Channel), ("user_id", User), ("user_name", "caller"),
            ("command", Command), ("text", Text), ("response_url", ResponseUrlHostile ? Text : responseUrl.ToString()), ("trigger_id", Trigger),
        }.Select(p => $"{p.Item1}={Hostile.Escape(p.Item2)}")) + Raw;

        public override string ToString() => Hostile.Show(Form(new Uri("http://127.0.0.1/r")), 3_000);
    }

    internal static readonly Gen<SlackCase> Slack = Gen.Select(
        Gen.Select(Hostile.Mostly("T1", Hostile.Text), Hostile.Mostly("C1", Hostile.Text), Gen.Frequency((6, Gen.Const(SlackCaller)), (1, Hostile.Text)), Hostile.Mostly("/assign-alert", Gen.Frequency((1, Gen.Const("/unassign-alert")), (1, Hostile.Text)))),
        Gen.Select(CommandText(SlackPerson), Gen.Frequency((4, Gen.Guid.Select(g => g.ToString("n"))), (1, Gen.Const(string.Empty)), (1, Hostile.Text)), Gen.Frequency((6, Gen.Const(false)), (1, Gen.Const(true))),
            Gen.Frequency((6, Gen.Const(string.Empty)), (1, Hostile.RawPercent.Select(r => "&text=" + r)), (1, Hostile.Text.Select(t => "&text=" + Hostile.Escape(t))), (1, Hostile.RawPercent.Select(r => "&" + r + "=" + r)))),
        (a, b) => new SlackCase(a.Item1, a.Item2, a.Item3, a.Item4, b.Item1, b.Item2, b.Item3, b.Item4));

    private static readonly Gen<string> TeamsPerson = Gen.Frequency(
        (8, Gen.OneOf("me", "<at>Bob Jones</at>", "uid:u_bob_0", "alice@example.com")),
        (2, Hostile.Text.Select(t => "<at>" + t + "</at>")),
        (1, Hostile.Text.Select(t => "<at>" + t)),
        (1, Hostile.Text.Select(t => "<at><at>" + t + "</at></at>")),
        (1, Hostile.Text));

    private static readonly Gen<string> MentionEntity = Gen.Frequency(
        (3, Gen.Select(Hostile.Text, Hostile.Mostly("\"29:x\"", Hostile.Value), Hostile.Mostly("\"aad-bob\"", Hostile.Value),
            (name, id, aad) => $"{{\"type\":\"mention\",\"text\":{Hostile.Literal("<at>" + name + "</at>")},\"mentioned\":{{\"id\":{id},\"name\":{Hostile.Literal(name)},\"aadObjectId\":{aad}}}}}")),
        (1, Hostile.Value.Select(v => $"{{\"type\":\"mention\",\"text\":{v},\"mentioned\":{v}}}")),
        (1, Hostile.Value));

    private const string DefaultEntities = "{\"type\":\"mention\",\"text\":\"<at>AssignBridge</at>\",\"mentioned\":{\"id\":\"28:webhook\",\"name\":\"AssignBridge\"}}," +
        "{\"type\":\"mention\",\"text\":\"<at>Bob Jones</at>\",\"mentioned\":{\"id\":\"29:bob\",\"name\":\"Bob Jones\",\"aadObjectId\":\"aad-bob\"}}";

    /// <summary>An activity as Teams posts it (webhook-sources.md §5), hostile in text, sender, mentions and ids.</summary>
    internal sealed record TeamsCase(string Type, string Id, string From, string Text, string Entities, string Team, string Extra)
    {
        public string Json() =>
            $"{{\"type\":{Type},\"id\":{Id},\"timestamp\":\"2026-11-25T10:00:00.000Z\",\"serviceUrl\":\"https://smba.trafficmanager.net/emea/\",\"channelId\":\"msteams\"," +
            $"\"from\":{From},\"conversation\":{{\"id\":\"19:abc@thread.skype\",\"isGroup\":true,\"conversationType\":\"channel\"}},\"text\":{Text},\"entities\":{Entities}," +
            $"\"channelData\":{{\"teamsChannelId\":\"19:soc@thread.skype\",\"teamsTeamId\":{Team},\"channel\":{{\"id\":\"19:soc@thread.skype\"}},\"team\":{{\"id\":{Team}}},\"tenant\":{{\"id\":\"tenant-1\"}}}}{Extra}}}";

        public override string ToString() => Hostile.Show(Json(), 3_000);
    }

    internal static readonly Gen<TeamsCase> Teams = Gen.Select(
        Gen.Select(
            Hostile.Mostly("\"message\"", Hostile.Value),
            Gen.Frequency((5, Gen.Guid.Select(g => $"\"{g:n}\"")), (1, Hostile.StringValue), (1, Hostile.Value)),
            Gen.Frequency(
                (5, Gen.Select(Hostile.Mostly($"\"{TeamsCaller}\"", Hostile.Value), Hostile.Mostly("\"Casey Caller\"", Hostile.Value), (aad, name) => $"{{\"id\":\"29:caller\",\"name\":{name},\"aadObjectId\":{aad}}}")),
                (1, Hostile.Value)),
            Gen.Frequency((6, CommandText(TeamsPerson).Select(t => Hostile.Literal("<p><at>AssignBridge</at> " + t + "</p>"))), (1, Hostile.Value))),
        Gen.Select(
            Gen.Frequency((3, Gen.Const("[" + DefaultEntities + "]")), (3, MentionEntity.Array[0, 4].Select(e => "[" + string.Join(',', [DefaultEntities, .. e]) + "]")), (1, Hostile.Value)),
            Hostile.Mostly("\"19:team@thread.skype\"", Hostile.Value),
            Hostile.Extra("type", "id", "from", "text", "entities")),
        (a, b) => new TeamsCase(a.Item1, a.Item2, a.Item3, a.Item4, b.Item1, b.Item2, b.Item3));

    [Fact]
    public async Task Slack_GeneratedSignedCommands_NoUndocumented5xxAndEveryAcceptedCommandFinished()
    {
        await using var receiver = await ResponseUrlReceiver.StartAsync();
        await using var bridge = await StartSlackAsync(azurite, receiver);
        var property = new IngressProperty(bridge, output);
        using var client = IngressProperty.NewClient(bridge, bearer: null);

        await property.RunAsync(Slack, c => SendSlackAsync(client, property, c.Form(receiver.ResponseUrl)), SlackCases);
    }

    [Fact]
    public async Task Teams_GeneratedSignedActivities_NoUndocumented5xxAndEveryAcceptedCommandFinished()
    {
        await using var bridge = await StartTeamsAsync(azurite);
        var property = new IngressProperty(bridge, output);
        using var client = IngressProperty.NewClient(bridge, bearer: null);

        await property.RunAsync(Teams, c => SendTeamsAsync(client, property, c.Json()), TeamsCases);
    }

    internal static async Task<BridgeHarness> StartSlackAsync(AzuriteFixture azurite, ResponseUrlReceiver receiver)
    {
        var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string>
        {
            ["Slack:SigningSecrets:0"] = SlackSecret,
            ["Slack:ResponseUrlPrefixes:0"] = receiver.BaseAddress.ToString(),
            ["Slack:FollowUpMinutes"] = "0.5",
        });
        await bridge.MapAsync("slack", SlackCaller, "u_caller_0");
        await bridge.MapAsync("slack", "U1ALICE", "u_alice_0");
        SeedAlerts(bridge);
        return bridge;
    }

    internal static async Task<BridgeHarness> StartTeamsAsync(AzuriteFixture azurite)
    {
        var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string> { ["Teams:SecurityTokens:0"] = TeamsToken });
        await bridge.MapAsync("teams", TeamsCaller, "u_caller_0");
        await bridge.MapAsync("teams", "aad-bob", "u_bob_0");
        SeedAlerts(bridge);
        return bridge;
    }

    /// <summary>Signed as Slack signs: v0 HMAC over the timestamp and the raw body, the timestamp read from the clock when sent.</summary>
    internal static async Task SendSlackAsync(HttpClient client, IngressProperty property, string form)
    {
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var body = Encoding.UTF8.GetBytes(form);
        using var request = new HttpRequestMessage(HttpMethod.Post, SlackEndpoints.Route) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        request.Headers.Add(SlackSignatureVerifier.TimestampHeader, ts);
        request.Headers.Add(SlackSignatureVerifier.SignatureHeader, SlackSignatureVerifier.Sign(SlackSecret, ts, body));
        using var response = await client.SendAsync(request);
        await property.AnswerAsync(response, "POST " + SlackEndpoints.Route);
    }

    /// <summary>Signed as Teams signs: <c>Authorization: HMAC</c> over the raw body with the base64-decoded token.</summary>
    internal static async Task SendTeamsAsync(HttpClient client, IngressProperty property, string json)
    {
        var body = Encoding.UTF8.GetBytes(json);
        using var request = new HttpRequestMessage(HttpMethod.Post, TeamsEndpoints.Route) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("Authorization", TeamsSignatureVerifier.Sign(TeamsToken, body));
        using var response = await client.SendAsync(request);
        await property.AnswerAsync(response, "POST " + TeamsEndpoints.Route);
    }

    private static void SeedAlerts(BridgeHarness bridge)
    {
        bridge.Kibana.State.SeedAlert("default", "alert-1");
        bridge.Kibana.State.SeedAlert("default", "alert-2");
        bridge.Kibana.State.SeedAlert("soc", "alert-1");
    }
}

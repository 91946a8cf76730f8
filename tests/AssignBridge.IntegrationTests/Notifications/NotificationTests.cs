using System.Net.Http.Json;
using System.Net;
using System.Text.Json.Nodes;
using AssignBridge.IntegrationTests.Commands;
using AssignBridge.IntegrationTests.Infrastructure;

namespace AssignBridge.IntegrationTests.Notifications;

/// <summary>Assignment notices to a Slack incoming webhook (a local receiver stands in for hooks.slack.com).</summary>
[Collection("azurite")]
public sealed class NotificationTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Notice_PersonNewlyAssigned_PostedWithKibanaLinkAndUrlNeverLogged()
    {
        await using var receiver = await ResponseUrlReceiver.StartAsync();
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string>
        {
            ["Notifications:SlackWebhookUrl"] = receiver.ResponseUrl.ToString(),
            ["Notifications:KibanaPublicUrl"] = "https://kibana.example.com/",
        });
        bridge.Kibana.State.SeedAlert("soc", "alert-1");
        await bridge.MapAsync("slack", "U1ALICE", "u_alice_0");

        using var response = await bridge.Client.PostAsJsonAsync("/api/assignments", new { space = "soc", alertIds = new[] { "alert-1" }, add = new[] { "slack:U1ALICE" }, reference = "SOC-77" });

        // The notice is a message on the notice queue, put there with the delivery's audit rows just after the answer,
        // and sent by the SendNotice function (drained here).
        await bridge.RecordedAsync();
        Assert.Single(await bridge.DrainNoticesAsync());
        var posted = JsonNode.Parse(await receiver.NextAsync(TimeSpan.FromSeconds(10)))!["text"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("1 Kibana alert in space 'soc' assigned to <@U1ALICE> (from SOC-77):", posted, StringComparison.Ordinal);
        Assert.Contains("<https://kibana.example.com/s/soc/app/security/alerts/redirect/alert-1?index=.alerts-security.alerts-soc|alert-1>", posted, StringComparison.Ordinal);
        Assert.DoesNotContain(bridge.Logs.Lines, line => line.Contains(receiver.ResponseUrl.AbsolutePath, StringComparison.Ordinal));
    }
}

using AssignBridge.Assignments;
using AssignBridge.Notifications;
using AssignBridge.People;





namespace AssignBridge.Tests;

public sealed class AssignmentNotifierTests
{
    private static readonly Uri Kibana = new("https://kibana.example.com/");

    [Fact]
    public void Compose_SlackOnePerson_MentionsThemAndLinksEachAlert()
    {
        var intent = new AssignmentIntent("slack", "d-1", "SOC-7", [new AlertRef("soc", "a-1"), new AlertRef("soc", "a<2>")], [new PersonRef("slack", "T1/U1ALICE")], [], "U0CALLER");
        var notice = new AssignedNotice("soc", ["a-1", "a<2>"], ["u_alice_0"], intent);

        var text = AssignmentNotifier.Compose(notice, Kibana, 10, slack: true);

        Assert.StartsWith("2 Kibana alerts in space 'soc' assigned to <@U1ALICE> (from SOC-7, asked by U0CALLER):", text, StringComparison.Ordinal);
        Assert.Contains("• <https://kibana.example.com/s/soc/app/security/alerts/redirect/a-1?index=.alerts-security.alerts-soc|a-1>", text, StringComparison.Ordinal);
        Assert.Contains("|a&lt;2&gt;>", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_TeamsManyAlerts_MarkdownLinksCappedAndCounted()
    {
        var ids = Enumerable.Range(1, 12).Select(i => $"a-{i}").ToList();
        var intent = new AssignmentIntent("api", "d-2", null, [.. ids.Select(i => new AlertRef("default", i))], [PersonRef.ForUid("u_bob_0")], [], null);

        var text = AssignmentNotifier.Compose(new AssignedNotice("default", ids, ["u_bob_0"], intent), Kibana, 10, slack: false);

        Assert.StartsWith("12 Kibana alerts in space 'default' assigned to Kibana user u_bob_0:", text, StringComparison.Ordinal);
        Assert.Contains("- [a-1](https://kibana.example.com/app/security/alerts/redirect/a-1?index=.alerts-security.alerts-default)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("a-11", text, StringComparison.Ordinal);
        Assert.EndsWith("…and 2 more.", text, StringComparison.Ordinal);
    }
}

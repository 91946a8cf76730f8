using AssignBridge.Assignments;
using AssignBridge.Commands;
using AssignBridge.People;

namespace AssignBridge.Tests.Commands;

/// <summary>What a chat user reads when their source is in dry run: what would happen, and that nothing did.</summary>
public sealed class DryRunReplyTests
{
    private static readonly ChatPerson Alice = new(new PersonRef("slack", "U1ALICE"), "@alice");
    private static readonly ChatPerson Stranger = new(new PersonRef("slack", "U9NOBODY"), "@nobody");

    [Fact]
    public void Planned_Assign_SaysWhoWouldBeAssignedWhereAndThatNothingChanged()
    {
        var command = new ChatCommand(CommandVerb.Assign, ["alert-1", "alert-2"], null, [Alice, Stranger]);
        var outcome = new AssignmentOutcome(AssignmentStatus.Planned, [],
            [new ResolvedPerson("slack:U1ALICE", AssignmentOutcome.AddRole, "u_alice_0", "mapping", null)],
            [new UnresolvedPerson("slack:U9NOBODY", AssignmentOutcome.AddRole, "no mapping")], [], null)
        {
            Plan = [new KibanaOperation("default", ["alert-1", "alert-2"], ["u_alice_0"], [])],
        };

        var text = CommandRunner.DescribePlan(command, outcome);

        Assert.Equal(
            "Dry run, nothing changed in Kibana: this would assign @alice (`u_alice_0`) to 2 alerts in space `default` (1 Kibana request). " +
            "Skipped, not mapped to a Kibana user: @nobody (`slack:U9NOBODY`).", text);
    }

    [Fact]
    public void Planned_Unassign_SaysWhoWouldBeUnassigned()
    {
        var command = new ChatCommand(CommandVerb.Unassign, ["alert-1"], "soc", [Alice]);
        var outcome = new AssignmentOutcome(AssignmentStatus.Planned, [],
            [new ResolvedPerson("slack:U1ALICE", AssignmentOutcome.RemoveRole, "u_alice_0", "mapping", null)], [], [], null)
        {
            Plan = [new KibanaOperation("soc", ["alert-1"], [], ["u_alice_0"])],
        };

        Assert.StartsWith("Dry run, nothing changed in Kibana: this would unassign @alice (`u_alice_0`) from 1 alert in space `soc`", CommandRunner.DescribePlan(command, outcome), StringComparison.Ordinal);
    }

    [Fact]
    public void Unmapped_UnderReject_SaysItWouldBeRefusedAndHowToFixIt()
    {
        var command = new ChatCommand(CommandVerb.Assign, ["alert-1"], null, [Stranger]);
        var outcome = new AssignmentOutcome(AssignmentStatus.Unmapped, [], [], [new UnresolvedPerson("slack:U9NOBODY", AssignmentOutcome.AddRole, "no mapping")], [], null);

        var text = CommandRunner.DescribePlan(command, outcome);

        Assert.StartsWith("Dry run, nothing changed in Kibana: this would be refused, @nobody (`slack:U9NOBODY`) is not mapped to a Kibana user.", text, StringComparison.Ordinal);
        Assert.Contains(CommandRunner.FixHint(null), text, StringComparison.Ordinal);
    }

    [Fact]
    public void NothingPlanned_SaysItWouldChangeNothing()
    {
        var command = new ChatCommand(CommandVerb.Assign, ["alert-1"], null, [Alice]);
        var outcome = new AssignmentOutcome(AssignmentStatus.NothingToApply, [], [], [], ["A newer event of jira:1 was already applied; this older one changes nothing."], null);

        Assert.Equal("Dry run, nothing changed in Kibana: this would change nothing.", CommandRunner.DescribePlan(command, outcome));
    }
}

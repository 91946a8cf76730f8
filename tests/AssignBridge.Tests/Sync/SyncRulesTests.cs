using AssignBridge.Assignments;
using AssignBridge.Sync;

namespace AssignBridge.Tests.Sync;

// One test per sentence of docs/two-way-sync.md, "Rules". Kibana keeps an alert's assignees in the order they were
// added and appends new ones (kibana-api-facts.md, "Painless script"), so the last UID is the one added most recently.
public sealed class SyncRulesTests
{
    private static LinkedAlert Alert(string id, string[]? seen, string[]? current) => new(new AlertRef("default", id), seen, current);

    [Fact]
    public void OneAssignee_AlertWithSeveralAssignees_TicketTakesExactlyOne()
    {
        var decision = SyncRules.Decide("bob", [Alert("a1", ["bob"], ["carol", "dave", "erin"])]);

        var follow = Assert.IsType<SyncFollow>(decision);
        Assert.Equal("erin", follow.Uid);
    }

    [Fact]
    public void FollowsOnlyWhenAssigneeLeft_AssigneeStillAmongOthers_TicketKept()
    {
        var decision = SyncRules.Decide("bob", [Alert("a1", ["bob"], ["bob", "carol"])]);

        Assert.IsType<SyncKeep>(decision);
    }

    [Fact]
    public void TakesMostRecentlyAdded_AssigneeRemovedAndTwoAdded_TicketTakesTheLast()
    {
        var decision = SyncRules.Decide("bob", [Alert("a1", ["amy", "bob"], ["amy", "carol", "dave"])]);

        Assert.Equal("dave", Assert.IsType<SyncFollow>(decision).Uid);
    }

    [Fact]
    public void TakesMostRecentlyAdded_AssigneeRemovedNobodyAdded_TicketTakesTheNewestLeft()
    {
        var decision = SyncRules.Decide("bob", [Alert("a1", ["amy", "carol", "bob"], ["amy", "carol"])]);

        Assert.Equal("carol", Assert.IsType<SyncFollow>(decision).Uid);
    }

    [Fact]
    public void NobodyLeft_AlertUnassigned_TicketUnassigned()
    {
        var decision = SyncRules.Decide("bob", [Alert("a1", ["bob"], [])]);

        var follow = Assert.IsType<SyncFollow>(decision);
        Assert.Null(follow.Uid);
    }

    [Fact]
    public void UnassignedTicket_SomeoneAddedSinceLastRun_TicketTakesTheNewestAdded()
    {
        var decision = SyncRules.Decide(null, [Alert("a1", ["amy"], ["amy", "carol", "dave"])]);

        Assert.Equal("dave", Assert.IsType<SyncFollow>(decision).Uid);
    }

    [Fact]
    public void UnassignedTicket_OnlyPeopleAlreadyThere_TicketStaysUnassigned()
    {
        Assert.IsType<SyncKeep>(SyncRules.Decide(null, [Alert("a1", ["amy", "carol"], ["carol"])]));
        Assert.IsType<SyncKeep>(SyncRules.Decide(null, [Alert("a1", null, ["amy"])])); // never looked at: nobody is known to be new
    }

    [Fact]
    public void DisagreementReported_OneAlertKeepsOneMoves_NothingWritten()
    {
        var decision = SyncRules.Decide("bob", [Alert("a1", ["bob"], ["bob"]), Alert("a2", ["bob"], ["carol"])]);

        var disagree = Assert.IsType<SyncDisagree>(decision);
        Assert.Contains("default/a1 keeps the ticket's assignee", disagree.Why, StringComparison.Ordinal);
        Assert.Contains("default/a2 says carol", disagree.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void DisagreementReported_AlertsNameDifferentPeople_NothingWritten()
    {
        var decision = SyncRules.Decide("bob", [Alert("a1", ["bob"], ["carol"]), Alert("a2", ["bob"], ["dave"])]);

        Assert.IsType<SyncDisagree>(decision);
    }

    [Fact]
    public void Agreement_EveryAlertNamesTheSamePerson_TicketMoves()
    {
        var decision = SyncRules.Decide("bob", [Alert("a1", ["bob"], ["carol"]), Alert("a2", ["bob"], ["amy", "carol"])]);

        Assert.Equal("carol", Assert.IsType<SyncFollow>(decision).Uid);
    }

    [Fact]
    public void UnassignedTicket_AlertsNobodyWasAddedTo_HaveNoSay()
    {
        var decision = SyncRules.Decide(null, [Alert("a1", ["amy"], ["amy"]), Alert("a2", [], ["carol"])]);

        Assert.Equal("carol", Assert.IsType<SyncFollow>(decision).Uid);
    }

    [Fact]
    public void OnlyOnChange_NoAlertChangedSinceLastRun_TicketLeftAlone()
    {
        // The ticket's assignee is not on the alert, but that was already so at the last run (and was reported then).
        var decision = SyncRules.Decide("bob", [Alert("a1", ["carol", "amy"], ["amy", "carol"])]);

        Assert.IsType<SyncKeep>(decision);
    }

    [Fact]
    public void FirstLook_AssigneeGoneBeforeTheFirstRun_TicketFollows()
    {
        var decision = SyncRules.Decide("bob", [Alert("a1", null, ["carol"])]);

        Assert.Equal("carol", Assert.IsType<SyncFollow>(decision).Uid);
    }

    [Fact]
    public void AlertsGone_NotFoundInKibana_LeftOut()
    {
        Assert.IsType<SyncKeep>(SyncRules.Decide("bob", [Alert("a1", ["bob"], null)]));
        Assert.Equal("carol", Assert.IsType<SyncFollow>(SyncRules.Decide("bob", [Alert("a1", ["bob"], null), Alert("a2", ["bob"], ["carol"])])).Uid);
    }
}

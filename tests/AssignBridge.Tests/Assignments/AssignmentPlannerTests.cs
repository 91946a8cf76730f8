using AssignBridge.Assignments;








namespace AssignBridge.Tests;

public sealed class AssignmentPlannerTests
{
    private static readonly AlertRef[] TwoAlertsInDefault = [new("default", "a1"), new("default", "a2")];

    [Fact]
    public void Plan_AddAndRemove_OneOperationPerSpace()
    {
        var plan = AssignmentPlanner.Plan(TwoAlertsInDefault, ["u1"], ["u2"], maxIdsPerRequest: 500);

        var operation = Assert.Single(plan.Operations);
        Assert.Equal("default", operation.Space);
        Assert.Equal(["a1", "a2"], operation.AlertIds);
        Assert.Equal(["u1"], operation.Add);
        Assert.Equal(["u2"], operation.Remove);
        Assert.Empty(plan.AddedAndRemoved);
    }

    [Fact]
    public void Plan_UidInBothAddAndRemove_KeptInAddDroppedFromRemoveAndReported()
    {
        // Kibana refuses such a request with "Duplicate assignees … were found in the add and remove parameters" (kibana-api-facts.md §1).
        var plan = AssignmentPlanner.Plan(TwoAlertsInDefault, ["u1", "u3"], ["u1", "u2"], 500);

        var operation = Assert.Single(plan.Operations);
        Assert.Equal(["u1", "u3"], operation.Add);
        Assert.Equal(["u2"], operation.Remove);
        Assert.Equal(["u1"], plan.AddedAndRemoved);
        Assert.Empty(operation.Add.Intersect(operation.Remove));
    }

    [Fact]
    public void Plan_DuplicateIdsAndUids_SentOnce()
    {
        var plan = AssignmentPlanner.Plan([new("default", "a1"), new("default", "a1"), new("default", "a2")], ["u1", "u1"], ["u2", "u2"], 500);

        var operation = Assert.Single(plan.Operations);
        Assert.Equal(["a1", "a2"], operation.AlertIds);
        Assert.Equal(["u1"], operation.Add);
        Assert.Equal(["u2"], operation.Remove);
    }

    [Fact]
    public void Plan_IdsDifferingOnlyInCase_AreDifferentAlerts()
    {
        var plan = AssignmentPlanner.Plan([new("default", "abc"), new("default", "ABC")], ["u1"], [], 500);

        Assert.Equal(["abc", "ABC"], Assert.Single(plan.Operations).AlertIds);
    }

    [Fact]
    public void Plan_MoreIdsThanTheChunkSize_SplitIntoBoundedRequestsCoveringEveryId()
    {
        var alerts = Enumerable.Range(0, 1_201).Select(i => new AlertRef("default", $"a{i}")).ToList();

        var plan = AssignmentPlanner.Plan(alerts, ["u1"], [], maxIdsPerRequest: 500);

        Assert.Equal([500, 500, 201], plan.Operations.Select(o => o.AlertIds.Count));
        Assert.Equal(alerts.Select(a => a.AlertId), plan.Operations.SelectMany(o => o.AlertIds));
    }

    [Fact]
    public void Plan_SeveralSpaces_OneGroupOfRequestsPerSpaceInFirstSeenOrder()
    {
        var plan = AssignmentPlanner.Plan([new("soc", "a1"), new("default", "a2"), new("soc", "a3")], ["u1"], [], 500);

        Assert.Collection(plan.Operations,
            o => { Assert.Equal("soc", o.Space); Assert.Equal(["a1", "a3"], o.AlertIds); },
            o => { Assert.Equal("default", o.Space); Assert.Equal(["a2"], o.AlertIds); });
    }

    [Fact]
    public void Plan_NobodyToAddOrRemove_NoRequests()
    {
        var plan = AssignmentPlanner.Plan(TwoAlertsInDefault, [], [], 500);

        Assert.Empty(plan.Operations);
    }

    [Fact]
    public void Plan_OnlyConflictingUids_StillAddsThem()
    {
        var plan = AssignmentPlanner.Plan(TwoAlertsInDefault, ["u1"], ["u1"], 500);

        var operation = Assert.Single(plan.Operations);
        Assert.Equal(["u1"], operation.Add);
        Assert.Empty(operation.Remove);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t")]
    public void Plan_EmptyOrWhitespaceUid_Throws(string uid)
    {
        Assert.Throws<ArgumentException>(() => AssignmentPlanner.Plan(TwoAlertsInDefault, [uid], [], 500));
        Assert.Throws<ArgumentException>(() => AssignmentPlanner.Plan(TwoAlertsInDefault, ["u1"], [uid], 500));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void Plan_EmptyOrWhitespaceAlertId_Throws(string id)
    {
        Assert.Throws<ArgumentException>(() => AssignmentPlanner.Plan([new("default", id)], ["u1"], [], 500));
    }
}

using AssignBridge.Assignments;
using AssignBridge.Delivery;
using AssignBridge.IntegrationTests.Infrastructure;
using AssignBridge.People;
using Microsoft.Extensions.DependencyInjection;

namespace AssignBridge.IntegrationTests.Delivery;

/// <summary>Ticket events: only bridge-assigned people are removed (unless enforcing), and an older event never overrides a newer one.</summary>
[Collection("azurite")]
public sealed class TicketOrderingTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Reassignment_RemovesOnlyWhomTheBridgeAssigned()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        bridge.Kibana.State.SeedAlert("default", "a1", "u_carol_0"); // Carol was assigned by hand in Kibana
        var intake = bridge.Services.GetRequiredService<DeliveryIntake>();

        await AcceptAsync(intake, "d1", add: "u_alice_0", remove: null, T0, sequence: 1);
        await AcceptAsync(intake, "d2", add: "u_bob_0", remove: "u_alice_0", T0.AddMinutes(1), sequence: 2);
        var third = await AcceptAsync(intake, "d3", add: "u_dave_0", remove: "u_carol_0", T0.AddMinutes(2), sequence: 3);

        Assert.Equal(["u_carol_0", "u_bob_0", "u_dave_0"], bridge.Kibana.State.GetAssignees("default", "a1"));
        Assert.Contains(third.Attempt.Outcome!.Notes, n => n.Contains("u_carol_0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OlderEventAfterNewer_ChangesNothing()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        bridge.Kibana.State.SeedAlert("default", "a1");
        var intake = bridge.Services.GetRequiredService<DeliveryIntake>();

        await AcceptAsync(intake, "new", add: "u_bob_0", remove: null, T0.AddMinutes(5), sequence: 7);
        var late = await AcceptAsync(intake, "old", add: "u_alice_0", remove: "u_bob_0", T0, sequence: 6);

        Assert.Equal(DeliveryStatus.Applied, late.Attempt.Status);
        Assert.Equal(AssignmentStatus.NothingToApply, late.Attempt.Outcome!.Status);
        Assert.Contains("newer event", late.Attempt.Outcome.Notes[0], StringComparison.Ordinal);
        Assert.Equal(["u_bob_0"], bridge.Kibana.State.GetAssignees("default", "a1"));
    }

    [Fact]
    public async Task OrderByTimeWhenTheSenderHasNoSequence()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        bridge.Kibana.State.SeedAlert("default", "a1");
        var intake = bridge.Services.GetRequiredService<DeliveryIntake>();

        await AcceptAsync(intake, "new", add: "u_bob_0", remove: null, T0.AddMinutes(5), sequence: null);
        await AcceptAsync(intake, "old", add: "u_alice_0", remove: "u_bob_0", T0, sequence: null);

        Assert.Equal(["u_bob_0"], bridge.Kibana.State.GetAssignees("default", "a1"));
    }

    [Fact]
    public async Task Enforce_TicketIsTheSingleSourceOfTruth()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string> { ["Journal:EnforceTicketAssignees"] = "true" });
        bridge.Kibana.State.SeedAlert("default", "a1", "u_carol_0", "u_erin_0");
        var intake = bridge.Services.GetRequiredService<DeliveryIntake>();

        await AcceptAsync(intake, "d1", add: "u_alice_0", remove: null, T0, sequence: 1);

        Assert.Equal(["u_alice_0"], bridge.Kibana.State.GetAssignees("default", "a1"));
    }

    [Fact]
    public async Task ExplicitRemoveFromAPerson_IsObeyedEvenIfTheBridgeDidNotAssign()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        bridge.Kibana.State.SeedAlert("default", "a1", "u_carol_0");
        var intake = bridge.Services.GetRequiredService<DeliveryIntake>();

        var intent = new AssignmentIntent("api", "d1", null, [new AlertRef("default", "a1")], [], [PersonRef.ForUid("u_carol_0")], "analyst");
        await intake.AcceptAsync(intent);

        Assert.Empty(bridge.Kibana.State.GetAssignees("default", "a1")!);
    }

    private static async Task<IntakeAttempted> AcceptAsync(DeliveryIntake intake, string deliveryId, string add, string? remove, DateTimeOffset changedAt, long? sequence)
    {
        var intent = new AssignmentIntent(
            "jira", deliveryId, "SOC-1", [new AlertRef("default", "a1")],
            [PersonRef.ForUid(add)], remove is null ? [] : [PersonRef.ForUid(remove)], "jira",
            new TicketRef("jira:10001", changedAt, sequence));
        var attempted = Assert.IsType<IntakeAttempted>(await intake.AcceptAsync(intent));
        Assert.True(attempted.Attempt.Status == DeliveryStatus.Applied, $"{deliveryId}: {attempted.Attempt.Status} {attempted.Attempt.Error} {string.Join(" | ", attempted.Attempt.Outcome?.Notes ?? [])}");
        return attempted;
    }
}

using System.Text.Json.Serialization;
using AssignBridge.People;

namespace AssignBridge.Assignments;

internal enum AssignmentStatus
{
    /// <summary>Every request was accepted by Kibana.</summary>
    Applied,

    /// <summary>After resolution and planning nothing was left to send (for example every person was skipped).</summary>
    NothingToApply,

    /// <summary>People were unmapped and the policy is to reject: nothing was sent.</summary>
    Unmapped,

    /// <summary>A request failed; <see cref="AssignmentOutcome.Error"/> says why and the spaces say what was applied before it.</summary>
    Failed,

    /// <summary>A dry run: the requests were planned and audited, and Kibana was not called.</summary>
    Planned,
}

/// <summary>Why a Kibana request failed: Kibana's status (0 when it never answered), its message, and whether trying again may help.</summary>
internal sealed record KibanaFailure(
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("retryable")] bool Retryable,
    [property: JsonIgnore] TimeSpan? RetryAfter = null);

/// <summary>What happened in one space: Kibana's counts summed over the requests sent there.</summary>
internal sealed record SpaceOutcome(
    [property: JsonPropertyName("space")] string Space,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("alerts")] int Alerts,
    [property: JsonPropertyName("requests")] int Requests,
    [property: JsonPropertyName("total")] long Total,
    [property: JsonPropertyName("updated")] long Updated,
    [property: JsonPropertyName("versionConflicts")] long VersionConflicts,
    [property: JsonPropertyName("failures")] IReadOnlyList<string> Failures,
    [property: JsonPropertyName("error")] KibanaFailure? Error)
{
    public const string AppliedStatus = "applied";
    public const string PartlyAppliedStatus = "partly-applied";
    public const string FailedStatus = "failed";
    public const string NotAttemptedStatus = "not-attempted";
    public const string PlannedStatus = "planned";
}

internal sealed record ResolvedPerson(
    [property: JsonPropertyName("person")] string Person,
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("uid")] string Uid,
    [property: JsonPropertyName("via")] string Via,
    [property: JsonPropertyName("note")] string? Note);

internal sealed record UnresolvedPerson(
    [property: JsonPropertyName("person")] string Person,
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("reason")] string Reason);

/// <summary>Exactly what an assignment did (or, in a dry run, would do): per space, per person, and any conflict the planner settled.</summary>
internal sealed record AssignmentOutcome(
    AssignmentStatus Status,
    IReadOnlyList<SpaceOutcome> Spaces,
    IReadOnlyList<ResolvedPerson> People,
    IReadOnlyList<UnresolvedPerson> Unresolved,
    IReadOnlyList<string> Notes,
    KibanaFailure? Error)
{
    /// <summary>The requests a dry run planned; empty otherwise.</summary>
    public IReadOnlyList<KibanaOperation> Plan { get; init; } = [];

    public const string AddRole = "add";
    public const string RemoveRole = "remove";

    public static string ViaName(ResolvedVia via) => via switch
    {
        ResolvedVia.Uid => "uid",
        ResolvedVia.Direct => "mapping",
        ResolvedVia.Email => "email",
        ResolvedVia.Default => "default",
        _ => throw new ArgumentOutOfRangeException(nameof(via)),
    };
}

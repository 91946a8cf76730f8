using System.ComponentModel.DataAnnotations;
using AssignBridge.Platform.Configuration;
using Microsoft.Extensions.Options;

namespace AssignBridge.AssignmentsApi;

/// <summary>Who may call <c>POST /api/assignments</c>, and the limits of one request.</summary>
internal sealed class AssignmentsOptions
{
    public const string SectionName = "Assignments";

    /// <summary>
    /// Bearer tokens for <c>POST /api/assignments</c>, checked by the route's authentication scheme
    /// (<see cref="AssignmentsEndpoints.TokenScheme"/>). None configured: the route refuses everyone.
    /// </summary>
    [SecretSetting(SettingShape.List)]
    public const string TokensKey = "Tokens";

    /// <summary>The largest request body.</summary>
    [Range(1_024, 16 * 1_024 * 1_024)]
    public int MaxBodyBytes { get; set; } = 1_024 * 1_024;

    /// <summary>Alerts in one request at most.</summary>
    [Range(1, 100_000)]
    public int MaxAlertIds { get; set; } = 10_000;

    /// <summary>People in one list of a request at most.</summary>
    [Range(1, 1_000)]
    public int MaxPeople { get; set; } = 100;
}

/// <summary>Checks the data annotations of <see cref="AssignmentsOptions"/> with generated code.</summary>
[OptionsValidator] internal sealed partial class AssignmentsOptionsValidator : IValidateOptions<AssignmentsOptions>;

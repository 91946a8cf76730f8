using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AssignBridge.AssignmentsApi;

/// <summary>Limits of <c>POST /api/assignments</c>. The bearer tokens live under <c>Assignments:Tokens</c> and are checked by the route's authentication scheme (AssignmentsEndpoints.TokenScheme), not bound here.</summary>
internal sealed class AssignmentsOptions
{
    public const string SectionName = "Assignments";

    [Range(1_024, 16 * 1_024 * 1_024)]
    public int MaxBodyBytes { get; set; } = 1_024 * 1_024;

    [Range(1, 100_000)]
    public int MaxAlertIds { get; set; } = 10_000;

    [Range(1, 1_000)]
    public int MaxPeople { get; set; } = 100;
}

/// <summary>Checks the data annotations of <see cref="AssignmentsOptions"/> with generated code.</summary>
[OptionsValidator] internal sealed partial class AssignmentsOptionsValidator : IValidateOptions<AssignmentsOptions>;

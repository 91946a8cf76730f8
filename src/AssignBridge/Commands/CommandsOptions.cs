using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AssignBridge.Commands;

/// <summary>Rules shared by the chat commands (Slack and Teams).</summary>
internal sealed class CommandsOptions
{
    public const string SectionName = "Commands";

    /// <summary>When true (the default) only a caller mapped to a Kibana user may assign: an unmapped chat user cannot drive Kibana.</summary>
    public bool RequireMappedCaller { get; set; } = true;

    [Range(1, 1_000)]
    public int MaxAlertIds { get; set; } = 100;

    [Range(1, 100)]
    public int MaxPeople { get; set; } = 20;

    [Range(16, 40_000)]
    public int MaxTextLength { get; set; } = 4_000;
}

/// <summary>Checks the data annotations of <see cref="CommandsOptions"/> with generated code.</summary>
[OptionsValidator] internal sealed partial class CommandsOptionsValidator : IValidateOptions<CommandsOptions>;

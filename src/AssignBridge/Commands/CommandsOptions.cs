using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AssignBridge.Commands;

/// <summary>Rules shared by the chat commands (Slack and Teams).</summary>
internal sealed class CommandsOptions
{
    public const string SectionName = "Commands";

    /// <summary>When true (the default) only a caller mapped to a Kibana user may assign: an unmapped chat user cannot drive Kibana.</summary>
    public bool RequireMappedCaller { get; set; } = true;

    /// <summary>Alerts in one chat command at most.</summary>
    [Range(1, 1_000)]
    public int MaxAlertIds { get; set; } = 100;

    /// <summary>People in one chat command at most.</summary>
    [Range(1, 100)]
    public int MaxPeople { get; set; } = 20;

    /// <summary>The longest chat command, in characters.</summary>
    [Range(16, 40_000)]
    public int MaxTextLength { get; set; } = 4_000;
}

/// <summary>Checks the data annotations of <see cref="CommandsOptions"/> with generated code.</summary>
[OptionsValidator] internal sealed partial class CommandsOptionsValidator : IValidateOptions<CommandsOptions>;

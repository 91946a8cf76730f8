using System.ComponentModel.DataAnnotations;
using AssignBridge.Platform.Configuration;
using Microsoft.Extensions.Options;

namespace AssignBridge.Commands.Teams;

/// <summary>The Teams outgoing webhook: who may use it, and how long its answer waits for Kibana.</summary>
internal sealed class TeamsOptions : ICommandAllowlist
{
    public const string SectionName = "Teams";

    /// <summary>
    /// The outgoing webhooks' security tokens (base64, as Teams shows them when the webhook is created), one per
    /// team's webhook, checked by <see cref="TeamsSignatureVerifier"/>. None configured: the route refuses everyone.
    /// </summary>
    [SecretSetting(SettingShape.List)]
    public const string SecurityTokensKey = "SecurityTokens";

    /// <summary>Dry run for onboarding: commands are verified, parsed, resolved and planned, the plan is the reply and audited, and Kibana is not called (nothing is journaled).</summary>
    public bool DryRun { get; set; }

    /// <summary>The outgoing webhook's name as people @mention it, for usage text.</summary>
    [Required]
    public string WebhookName { get; set; } = "AssignBridge";

    /// <summary>Team ids (<c>channelData.team.id</c>) allowed; empty allows every team whose webhook holds a configured token.</summary>
    public string[] AllowedTeams { get; set; } = [];

    /// <summary>Channel ids (<c>channelData.channel.id</c>) allowed; empty allows all.</summary>
    public string[] AllowedChannels { get; set; } = [];

    /// <summary>Entra object ids (<c>from.aadObjectId</c>) allowed; empty allows all (mapped) users.</summary>
    public string[] AllowedUsers { get; set; } = [];

    /// <summary>How long the answer waits for Kibana; Teams gives up after about 5 seconds and takes no later reply.</summary>
    [Range(0.5, 4.8)]
    public double DeadlineSeconds { get; set; } = 4;

    /// <summary>The largest message body.</summary>
    [Range(1_024, 4 * 1_024 * 1_024)]
    public int MaxBodyBytes { get; set; } = 256 * 1_024;
}

/// <summary>Checks the data annotations of <see cref="TeamsOptions"/> with generated code.</summary>
[OptionsValidator] internal sealed partial class TeamsOptionsValidator : IValidateOptions<TeamsOptions>;

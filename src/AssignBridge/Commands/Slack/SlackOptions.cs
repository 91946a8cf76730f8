using System.ComponentModel.DataAnnotations;
using AssignBridge.Platform.Configuration;
using Microsoft.Extensions.Options;

namespace AssignBridge.Commands.Slack;

/// <summary>The Slack slash command: who may use it, and how long its answers wait for Kibana.</summary>
internal sealed class SlackOptions : ICommandAllowlist
{
    public const string SectionName = "Slack";
    public const string DefaultResponseUrlPrefix = "https://hooks.slack.com/";

    /// <summary>
    /// The Slack app's signing secrets, checked by <see cref="SlackSignatureVerifier"/>. None configured: the route
    /// refuses everyone.
    /// </summary>
    [SecretSetting(SettingShape.List)]
    public const string SigningSecretsKey = "SigningSecrets";

    /// <summary>Dry run for onboarding: commands are verified, parsed, resolved and planned, the plan is the reply and audited, and Kibana is not called (nothing is journaled).</summary>
    public bool DryRun { get; set; }

    /// <summary>Workspaces (team ids) allowed to use the command; empty allows every workspace that holds the signing secret.</summary>
    public string[] AllowedTeams { get; set; } = [];

    /// <summary>Channel ids the command may be used in; empty allows all.</summary>
    public string[] AllowedChannels { get; set; } = [];

    /// <summary>User ids allowed to use the command; empty allows all (mapped) users.</summary>
    public string[] AllowedUsers { get; set; } = [];

    /// <summary>
    /// Map Slack users as <c>&lt;team id&gt;/&lt;user id&gt;</c> rather than the bare user id. On automatically when
    /// more than one workspace is allowed (user ids are only unique within a workspace).
    /// </summary>
    public bool ScopeUsersByTeam { get; set; }

    public bool ScopesUsers => ScopeUsersByTeam || AllowedTeams.Length > 1;

    /// <summary>How long the first answer waits for Kibana; Slack gives up after 3 seconds.</summary>
    [Range(0.5, 2.8)]
    public double AckSeconds { get; set; } = 2.3;

    /// <summary>How long the follow-up keeps trying before it tells the user the bridge carries on alone (Slack's response_url lasts 30 minutes).</summary>
    [Range(0.1, 29)]
    public double FollowUpMinutes { get; set; } = 25;

    /// <summary>Post the final outcome in the channel for everyone (<c>in_channel</c>) rather than only to the caller.</summary>
    public bool AnnounceInChannel { get; set; }

    /// <summary>Where a response_url may point; anything else is not posted to. Empty means <c>https://hooks.slack.com/</c>.</summary>
    public string[] ResponseUrlPrefixes { get; set; } = [];

    public IEnumerable<string> EffectiveResponseUrlPrefixes => ResponseUrlPrefixes.Length == 0 ? [DefaultResponseUrlPrefix] : ResponseUrlPrefixes;

    /// <summary>The largest slash-command body.</summary>
    [Range(1_024, 1_024 * 1_024)]
    public int MaxBodyBytes { get; set; } = 64 * 1_024;
}

/// <summary>Checks the data annotations of <see cref="SlackOptions"/> with generated code.</summary>
[OptionsValidator] internal sealed partial class SlackOptionsValidator : IValidateOptions<SlackOptions>;

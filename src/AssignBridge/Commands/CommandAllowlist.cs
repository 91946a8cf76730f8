namespace AssignBridge.Commands;

/// <summary>Who may use a chat command: the allowlists of teams (workspaces), channels and users; empty allows all.</summary>
internal interface ICommandAllowlist
{
    string[] AllowedTeams { get; }

    string[] AllowedChannels { get; }

    string[] AllowedUsers { get; }
}

internal static class CommandAllowlist
{
    /// <summary>Null when the caller may go on; otherwise a sentence saying why not and which setting an operator can change.</summary>
    /// <param name="chat">The chat as a person names it (<c>Slack</c>, <c>Teams</c>), also the settings section.</param>
    /// <param name="theTeam">The team as the sentence names it (<c>This Slack workspace</c>, <c>This team</c>).</param>
    public static string? Denied(ICommandAllowlist lists, string chat, string theTeam, string team, string channel, string user) =>
        lists.AllowedTeams.Length > 0 && !lists.AllowedTeams.Contains(team, StringComparer.Ordinal)
            ? $"{theTeam} may not use AssignBridge. An AssignBridge operator can add it to {chat}:AllowedTeams."
        : lists.AllowedChannels.Length > 0 && !lists.AllowedChannels.Contains(channel, StringComparer.Ordinal)
            ? $"Alerts cannot be assigned from this channel. Use one of the channels an AssignBridge operator listed in {chat}:AllowedChannels."
        : lists.AllowedUsers.Length > 0 && !lists.AllowedUsers.Contains(user, StringComparer.Ordinal)
            ? $"You are not on the list of people who may assign alerts from {chat}. An AssignBridge operator can add you to {chat}:AllowedUsers."
        : null;
}

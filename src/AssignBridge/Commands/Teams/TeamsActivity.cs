using System.Net;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using AssignBridge.People;

namespace AssignBridge.Commands.Teams;

/// <summary>The parts of a Bot Framework message activity an outgoing webhook sends that the bridge reads.</summary>
internal sealed record TeamsActivity(
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("text")] string? Text,
    [property: JsonPropertyName("from")] TeamsAccount? From,
    [property: JsonPropertyName("channelData")] TeamsChannelData? ChannelData,
    [property: JsonPropertyName("entities")] IReadOnlyList<TeamsEntity>? Entities);

internal sealed record TeamsAccount(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("aadObjectId")] string? AadObjectId);

internal sealed record TeamsChannelData(
    [property: JsonPropertyName("teamsTeamId")] string? TeamsTeamId,
    [property: JsonPropertyName("teamsChannelId")] string? TeamsChannelId,
    [property: JsonPropertyName("team")] TeamsId? Team,
    [property: JsonPropertyName("channel")] TeamsId? Channel,
    [property: JsonPropertyName("tenant")] TeamsId? Tenant);

internal sealed record TeamsId([property: JsonPropertyName("id")] string? Id);

internal sealed record TeamsEntity(
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("text")] string? Text,
    [property: JsonPropertyName("mentioned")] TeamsAccount? Mentioned);

/// <summary>The synchronous answer to an outgoing webhook: a message activity.</summary>
internal sealed record TeamsReply(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("text")] string Text)
{
    public static TeamsReply Message(string text) => new("message", text);
}

// Turns the activity's HTML text into words and mentions. The leading <at>…</at> is the webhook itself
// and is dropped; every other one is matched, in order, to a mention entity, whose aadObjectId (else its
// id) names the person in the teams namespace. A mention with no entity stays a plain name.
internal static partial class TeamsText
{
    public const string Namespace = "teams";

    public static IReadOnlyList<CommandToken> Tokenize(string html, IReadOnlyList<TeamsEntity>? entities)
    {
        var mentions = (entities ?? []).Where(e => e is not null && string.Equals(e.Type, "mention", StringComparison.OrdinalIgnoreCase) && e.Mentioned is not null).ToList();
        var used = new bool[mentions.Count];
        var tokens = new List<CommandToken>();
        var position = 0;
        var first = true;
        foreach (Match match in At().Matches(html))
        {
            AddWords(tokens, html[position..match.Index]);
            position = match.Index + match.Length;
            var leading = first && tokens.Count == 0;
            first = false;
            if (leading)
            {
                continue;
            }

            var name = WebUtility.HtmlDecode(Tags().Replace(match.Groups["name"].Value, string.Empty)).Trim();
            var index = Enumerable.Range(0, mentions.Count).FirstOrDefault(i => !used[i] && string.Equals(mentions[i].Text, match.Value, StringComparison.Ordinal), -1);
            if (index < 0)
            {
                index = Enumerable.Range(0, mentions.Count).FirstOrDefault(i => !used[i] && string.Equals(mentions[i].Mentioned!.Name, name, StringComparison.Ordinal), -1);
            }

            if (index >= 0 && Identity(mentions[index].Mentioned!) is { } id)
            {
                used[index] = true;
                tokens.Add(new MentionToken(new PersonRef(Namespace, id), "@" + name));
            }
            else
            {
                tokens.Add(new WordToken("@" + name.Replace(' ', '_')));
            }
        }

        AddWords(tokens, html[position..]);
        return tokens;
    }

    /// <summary>The Entra object id when Teams sends one, else the Teams user id (<c>29:…</c>).</summary>
    public static string? Identity(TeamsAccount account) =>
        !string.IsNullOrWhiteSpace(account.AadObjectId) ? account.AadObjectId.Trim()
        : !string.IsNullOrWhiteSpace(account.Id) ? account.Id.Trim()
        : null;

    private static void AddWords(List<CommandToken> tokens, string html)
    {
        var text = WebUtility.HtmlDecode(Tags().Replace(html, " ")).Replace('\u00A0', ' ');
        foreach (var word in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            tokens.Add(new WordToken(word));
        }
    }

    [GeneratedRegex("<at>(?<name>.*?)</at>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex At();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();
}

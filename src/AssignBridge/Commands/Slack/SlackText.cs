using System.Net;
using System.Text.RegularExpressions;
using AssignBridge.People;

namespace AssignBridge.Commands.Slack;

// Splits slash-command text into words and mentions. With "Escape channels, users, and links" on, Slack sends a
// mention as <@U123|name> (or <@U123>), an email as <mailto:a@b|a@b>, and
// & < > as HTML entities. Without it a mention is a plain @name, which the parser refuses with advice.
internal static partial class SlackText
{
    public const string Namespace = "slack";

    public static IReadOnlyList<CommandToken> Tokenize(string text, string teamId, bool scopeByTeam)
    {
        var tokens = new List<CommandToken>();
        foreach (Match match in Token().Matches(text))
        {
            if (match.Groups["user"].Success)
            {
                var user = match.Groups["user"].Value;
                var label = match.Groups["label"].Success && match.Groups["label"].Value.Length > 0 ? "@" + match.Groups["label"].Value : $"<@{user}>";
                tokens.Add(new MentionToken(Person(teamId, user, scopeByTeam), label));
            }
            else if (match.Groups["link"].Success)
            {
                // <mailto:a@b.c|a@b.c>, <#C123|general>, <https://…|text>: the target is what was meant.
                var target = match.Groups["link"].Value;
                tokens.Add(new WordToken(WebUtility.HtmlDecode(target.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase) ? target[7..] : target)));
            }
            else
            {
                tokens.Add(new WordToken(WebUtility.HtmlDecode(match.Value)));
            }
        }

        return tokens;
    }

    /// <summary>The caller or a mentioned user as the mapping table knows them.</summary>
    public static PersonRef Person(string teamId, string userId, bool scopeByTeam) =>
        new(Namespace, scopeByTeam && teamId.Length > 0 ? $"{teamId}/{userId}" : userId);

    [GeneratedRegex(@"<@(?<user>[UW][A-Z0-9]{1,40})(\|(?<label>[^<>]*))?>|<(?<link>[^@<>|][^<>|]*)(\|[^<>]*)?>|[^\s]+?(?=<|\s|$)|<|>")]
    private static partial Regex Token();
}

using System.Text.RegularExpressions;
using AssignBridge.People;
using AssignBridge.Platform.Validation;

namespace AssignBridge.Commands;

internal enum CommandVerb
{
    Assign,
    Unassign,
    Help,
}

/// <summary>A piece of command text: a plain word, or a mention the sender already tied to an identity.</summary>
internal abstract record CommandToken;

internal sealed record WordToken(string Text) : CommandToken;

internal sealed record MentionToken(PersonRef Person, string Display) : CommandToken;

/// <summary>A person named in a command, with how to name them back to the person who typed it.</summary>
internal sealed record ChatPerson(PersonRef Person, string Display);

/// <summary>What a chat command asks for. <see cref="Space"/> is null when the command names none (the default space applies).</summary>
internal sealed record ChatCommand(CommandVerb Verb, IReadOnlyList<string> AlertIds, string? Space, IReadOnlyList<ChatPerson> People);

/// <summary>The parse of one command: the command, or the problems to tell the person (never both).</summary>
internal sealed record CommandParse(ChatCommand? Command, IReadOnlyList<string> Problems);

// The grammar shared by Slack and Teams, over tokens each sender produces from its own text:
// [assign|unassign|help] <alert-id>… [to|from] <person>… [in <space>], alert ids and people in any
// order. A person is a mention, me (the caller), an email address or uid:<kibana-uid>. A plain
// @name is not a person the bridge can resolve (chat names are neither unique nor stable); the answer says how
// to send a real mention instead. Alert ids, UIDs, emails and the space are held to InputRules here, so a
// command that breaks one is answered at once with a sentence, never refused later in the pipeline.
internal sealed partial class CommandParser(CommandsOptions options)
{
    private const int MaxShownChars = 40;

    public CommandParse Parse(IReadOnlyList<CommandToken> tokens, CommandVerb defaultVerb, ChatPerson caller)
    {
        var verb = defaultVerb;
        var start = 0;
        if (tokens.Count > 0 && tokens[0] is WordToken first && VerbOf(first.Text) is { } given)
        {
            verb = given;
            start = 1;
        }

        if (verb == CommandVerb.Help || tokens.Count == start
            || (tokens.Count == start + 1 && tokens[start] is WordToken { Text: var only } && only.Equals("help", StringComparison.OrdinalIgnoreCase)))
        {
            return new CommandParse(new ChatCommand(CommandVerb.Help, [], null, []), []);
        }

        var problems = new List<string>();
        var alerts = new List<string>();
        var people = new List<ChatPerson>();
        string? space = null;
        for (var i = start; i < tokens.Count; i++)
        {
            if (tokens[i] is MentionToken mention)
            {
                people.Add(new ChatPerson(mention.Person, mention.Display));
                continue;
            }

            var word = ((WordToken)tokens[i]).Text.Trim().TrimEnd(',', ';');
            var lower = word.ToLowerInvariant();
            switch (lower)
            {
                case "" or "to" or "from" or "and" or "&":
                    continue;
                case "me" or "myself":
                    people.Add(caller);
                    continue;
                case "in":
                    var named = i + 1 < tokens.Count && tokens[i + 1] is WordToken { Text: var next } ? next.Trim() : null;
                    if (named is { Length: > InputRules.MaxSpaceIdLength })
                    {
                        problems.Add($"The space `{Show(named)}` is {named.Length} characters long, but a Kibana space id has at most {InputRules.MaxSpaceIdLength} here. Copy the id from the space's address in Kibana (the part after `/s/`).");
                        i++;
                    }
                    else if (InputRules.SpaceId("space", named) is null)
                    {
                        if (space is not null && space != named)
                        {
                            problems.Add($"Name one space per command (you named `{space}` and `{named}`).");
                        }

                        space = named;
                        i++;
                    }
                    else
                    {
                        problems.Add("`in` must be followed by a Kibana space id, for example `in soc` (lower-case letters, digits, `_` and `-`).");
                    }

                    continue;
            }

            if (word.StartsWith('@'))
            {
                var rest = word[1..];
                if (InputRules.IsEmail(rest))
                {
                    people.Add(new ChatPerson(PersonRef.ForEmail(rest), rest));
                }
                else
                {
                    problems.Add($"I can't tell who `{Show(word)}` is: a plain name is not a mention. Pick the person from the mention list so the name becomes a link, or give their email address.");
                }
            }
            else if (lower.StartsWith("uid:", StringComparison.Ordinal) && word.Length > 4 && IdWord().IsMatch(word[4..]))
            {
                if (InputRules.Uid("uid", word[4..]) is { } problem)
                {
                    problems.Add($"`{Show(word)}` is not a Kibana UID: {problem}.");
                }
                else
                {
                    people.Add(new ChatPerson(PersonRef.ForUid(word[4..]), word));
                }
            }
            else if (InputRules.IsEmail(word))
            {
                people.Add(new ChatPerson(PersonRef.ForEmail(word), word));
            }
            else if (IdWord().IsMatch(word))
            {
                if (InputRules.AlertId("alert id", word) is { } problem)
                {
                    problems.Add($"`{Show(word)}` is not an alert id: {problem}.");
                }
                else
                {
                    alerts.Add(word);
                }
            }
            else
            {
                problems.Add($"`{Show(word)}` is neither an alert id, a person nor a keyword.");
            }
        }

        var distinctAlerts = alerts.Distinct(StringComparer.Ordinal).ToList();
        var distinctPeople = people.DistinctBy(p => p.Person).ToList();
        if (distinctAlerts.Count == 0 && problems.Count == 0)
        {
            problems.Add("Name at least one alert id (the alert's document id, `_id`, in Kibana).");
        }

        if (distinctPeople.Count == 0 && problems.Count == 0)
        {
            problems.Add("Name at least one person: a mention, `me`, an email address or `uid:<kibana-uid>`.");
        }

        if (distinctAlerts.Count > options.MaxAlertIds)
        {
            problems.Add($"That is {distinctAlerts.Count} alert ids; one command takes at most {options.MaxAlertIds}. Split it, or use POST /api/assignments for bulk changes.");
        }

        if (distinctPeople.Count > options.MaxPeople)
        {
            problems.Add($"That is {distinctPeople.Count} people; one command takes at most {options.MaxPeople}.");
        }

        return problems.Count > 0
            ? new CommandParse(null, problems.Take(5).ToList())
            : new CommandParse(new ChatCommand(verb, distinctAlerts, space, distinctPeople), []);
    }

    /// <summary>Refuses text too long to be a command before any work is spent on it.</summary>
    public string? CheckLength(string text) => text.Length > options.MaxTextLength
        ? $"That command is {text.Length} characters long; the most I take is {options.MaxTextLength}. Split it into several commands."
        : null;

    private static CommandVerb? VerbOf(string word) => word.Trim().ToLowerInvariant() switch
    {
        "assign" => CommandVerb.Assign,
        "unassign" => CommandVerb.Unassign,
        "help" or "?" or "-h" or "--help" => CommandVerb.Help,
        _ => null,
    };

    private static string Show(string word)
    {
        var printable = new string([.. word.Select(c => char.IsControl(c) ? '?' : c)]).Replace('`', '\'');
        return printable.Length <= MaxShownChars ? printable : printable[..MaxShownChars] + "…";
    }

    // Grammar, not a rule: which words of a chat line are meant as ids (Kibana's document ids, usually 64 hex
    // characters), so that stray words and markup are refused as such. Whether an id is acceptable is InputRules'.
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
    private static partial Regex IdWord();
}

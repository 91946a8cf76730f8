using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using AssignBridge.Assignments;
using AssignBridge.Kibana;
using AssignBridge.People;
using AssignBridge.Platform.Validation;
using Microsoft.Extensions.Options;

namespace AssignBridge.Sources.Jira;

/// <summary>What a Jira delivery amounts to.</summary>
internal abstract record JiraReading;

/// <summary>The body is not a usable Jira delivery: a 400 naming <see cref="Problem"/>.</summary>
internal sealed record JiraMalformed(string Problem) : JiraReading;

/// <summary>A well-formed delivery that asks for nothing (not an assignment change, no linked alerts): a 2xx saying why.</summary>
internal sealed record JiraIgnored(string Reason, string? Issue) : JiraReading;

internal sealed record JiraAssignment(AssignmentIntent Intent) : JiraReading;

// Turns a verified Jira delivery into an AssignmentIntent. The assignment is read from the changelog's
// assignee item (field, else fieldId), never from issue_event_type_name, which is unreliable
// (webhook-sources.md §1.3); Cloud people are account ids (namespace jira), Data Center people user names
// (namespace jira-dc), each with the email when Jira shows it. Which alerts and which space come from configuration.
internal sealed class JiraEventReader
{
    public const string CloudNamespace = "jira";
    public const string DataCenterNamespace = "jira-dc";

    private const string IssueCreated = "jira:issue_created";
    private const string IssueUpdated = "jira:issue_updated";

    private readonly JiraOptions _options;
    private readonly string _defaultSpace;
    private readonly Regex? _pattern;
    private readonly ILogger _logger;

    public JiraEventReader(IOptions<JiraOptions> options, IOptions<KibanaOptions> kibana, ILogger<JiraEventReader> logger)
    {
        _options = options.Value;
        _defaultSpace = string.IsNullOrWhiteSpace(_options.DefaultSpace) ? kibana.Value.DefaultSpace : _options.DefaultSpace.Trim();
        _pattern = string.IsNullOrWhiteSpace(_options.AlertPattern) ? null
            : new Regex(_options.AlertPattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(200));
        _logger = logger;
    }

    public JiraReading Read(JiraWebhookPayload payload, ReadOnlySpan<byte> body, string? webhookIdentifier)
    {
        string? eventName = null;
        if (payload.WebhookEvent.ValueKind == JsonValueKind.String)
        {
            eventName = payload.WebhookEvent.GetString();
            if (InputRules.Identifier("webhookEvent", eventName, 100) is not null)
            {
                return new JiraMalformed("webhookEvent must be a short, non-empty event name.");
            }
        }
        else if (payload.WebhookEvent.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
        {
            return new JiraMalformed("webhookEvent must be a string.");
        }

        var issue = payload.Issue
            ?? (payload.Key is not null || payload.Id is not null || payload.Fields is not null ? new JiraIssue(payload.Id, payload.Key, payload.Self, payload.Fields, null) : null);
        if (eventName is not null and not (IssueCreated or IssueUpdated))
        {
            return new JiraIgnored($"event '{eventName}' is not an assignment change", issue?.Key);
        }

        if (issue is null)
        {
            return new JiraMalformed(eventName is null ? "This is not a Jira delivery: it has neither webhookEvent nor issue." : $"The {eventName} delivery has no issue.");
        }

        if ((InputRules.Identifier("issue.id", issue.Id, InputRules.MaxIdentifierLength)
            ?? (issue.Key is { } key ? InputRules.Identifier("issue.key", key, InputRules.MaxIdentifierLength) : null)) is { } issueProblem)
        {
            return new JiraMalformed($"{issueProblem}.");
        }

        var automation = eventName is null;
        var fields = issue.Fields ?? [];
        JiraUser? assignee;
        try
        {
            assignee = User(fields, "assignee");
        }
        catch (JsonException)
        {
            return new JiraMalformed("fields.assignee must be an object whose accountId, name, key, emailAddress and displayName are strings.");
        }

        var changelog = payload.Changelog ?? issue.Changelog;
        var (change, history) = AssigneeChange(changelog);
        var cloud = IsCloud(payload, assignee, change, issue.Self);

        PersonRef? add;
        PersonRef? remove = null;
        if (change is not null)
        {
            var from = cloud ? change.TmpFromAccountId ?? change.From : change.From;
            var to = cloud ? change.TmpToAccountId ?? change.To : change.To;
            if (from == to)
            {
                return new JiraIgnored("the assignee did not change", issue.Key);
            }

            add = to is null ? null : Person(cloud, to, assignee);
            remove = from is null || eventName == IssueCreated ? null : new PersonRef(cloud ? CloudNamespace : DataCenterNamespace, from);
        }
        else if (eventName == IssueUpdated)
        {
            return new JiraIgnored("the changelog holds no assignee change", issue.Key);
        }
        else if (assignee is null)
        {
            return new JiraIgnored(automation
                ? "the issue has no assignee and the body names no previous one (send the changelog, or use an admin webhook)"
                : "the issue was created without an assignee", issue.Key);
        }
        else
        {
            add = Person(cloud, null, assignee);
        }

        if (add is null && remove is null)
        {
            return new JiraIgnored("no person to add or remove", issue.Key);
        }

        foreach (var (person, field) in new[] { (add, "the new assignee"), (remove, "the previous assignee") })
        {
            if (person is not null && PersonProblem(person, field) is { } problem)
            {
                return new JiraMalformed($"{problem}.");
            }
        }

        var alertIds = new List<string>();
        foreach (var id in AlertIdsOf(issue, fields))
        {
            if (InputRules.AlertId("an alert id on the issue", id) is { } problem)
            {
                return new JiraMalformed($"{char.ToUpperInvariant(problem[0])}{problem[1..]}.");
            }

            if (!alertIds.Contains(id, StringComparer.Ordinal))
            {
                alertIds.Add(id);
            }
        }

        if (alertIds.Count == 0)
        {
            return new JiraIgnored("the issue links no alerts", issue.Key);
        }

        if (alertIds.Count > _options.MaxAlertIds)
        {
            return new JiraMalformed($"The issue links {alertIds.Count} alerts; at most {_options.MaxAlertIds} (Jira:MaxAlertIds) are accepted.");
        }

        var (space, spaceField) = SpaceOf(issue, fields);
        if (InputRules.SpaceId(spaceField, space) is { } spaceProblem)
        {
            return new JiraMalformed($"The issue names the space '{Shorten(space)}': {spaceProblem}.");
        }

        var host = Uri.TryCreate(issue.Self, UriKind.Absolute, out var self) ? self.Host : "jira";
        var sequence = history?.Id ?? changelog?.Id;
        var deliveryId = webhookIdentifier is { Length: > 0 } identifier ? $"{host}:{identifier}"
            : sequence is not null ? $"{host}:{issue.Id}:{sequence}"
            : $"{host}:{issue.Id}:{Convert.ToHexStringLower(SHA256.HashData(body))[..32]}";
        var changedAt = payload.Timestamp is { } ms and >= 0 and <= 253_402_300_799_999 ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : ParseJiraTime(history?.Created) ?? ParseJiraTime(Text(fields, "updated"));
        var ticket = new TicketRef($"jira:{issue.Id}", changedAt, long.TryParse(sequence, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null);
        var requestedBy = payload.User is { } user && (user.AccountId ?? user.Name ?? user.Key) is { } actor ? $"jira:{actor}" : automation ? "jira-automation" : null;

        return new JiraAssignment(new AssignmentIntent(
            JiraEndpoints.Source,
            deliveryId,
            issue.Key,
            [.. alertIds.Select(id => new AlertRef(space, id))],
            add is null ? [] : [add],
            remove is null ? [] : [remove],
            requestedBy,
            ticket));
    }

    /// <summary>The last assignee item of the changelog; for an issue's change history (Automation), of the newest history that has one.</summary>
    private static (JiraChangeItem? Change, JiraHistory? History) AssigneeChange(JiraChangelog? changelog)
    {
        if (changelog?.Items?.LastOrDefault(i => i is not null && i.IsAssignee) is { } item)
        {
            return (item, null);
        }

        var history = changelog?.Histories?
            .Where(h => h?.Items?.Any(i => i is not null && i.IsAssignee) == true)
            .OrderBy(h => long.TryParse(h.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0)
            .LastOrDefault();
        return (history?.Items!.Last(i => i is not null && i.IsAssignee), history);
    }

    /// <summary>Cloud identifies people by accountId; Data Center by name/key with no accountId (webhook-sources.md §1.5).</summary>
    private static bool IsCloud(JiraWebhookPayload payload, JiraUser? assignee, JiraChangeItem? change, string? self)
    {
        if (payload.User?.AccountId is not null || assignee?.AccountId is not null || change?.TmpToAccountId is not null || change?.TmpFromAccountId is not null)
        {
            return true;
        }

        var dataCenterUser = payload.User is { Name: not null } or { Key: not null } || assignee is { Name: not null } or { Key: not null };
        return !dataCenterUser || (Uri.TryCreate(self, UriKind.Absolute, out var uri) && uri.Host.EndsWith(".atlassian.net", StringComparison.OrdinalIgnoreCase));
    }

    // The new assignee. On Data Center the changelog's to may be the user key (JIRAUSER10100) or the name
    // (unconfirmed, webhook-sources.md §8), so the issue's assignee name is preferred when it is the same person.
    private static PersonRef? Person(bool cloud, string? changedTo, JiraUser? assignee)
    {
        var email = string.IsNullOrWhiteSpace(assignee?.EmailAddress) ? null : PersonRef.NormalizeEmail(assignee.EmailAddress);
        if (cloud)
        {
            var id = changedTo ?? assignee?.AccountId;
            return id is not null ? new PersonRef(CloudNamespace, id, changedTo is null || assignee?.AccountId == changedTo ? email : null)
                : email is not null ? PersonRef.ForEmail(email) : null;
        }

        var same = assignee is not null && (changedTo is null || changedTo == assignee.Key || changedTo == assignee.Name);
        var name = same ? assignee!.Name ?? assignee.Key : changedTo;
        return name is not null ? new PersonRef(DataCenterNamespace, name, same ? email : null)
            : same && email is not null ? PersonRef.ForEmail(email) : null;
    }

    private IEnumerable<string> AlertIdsOf(JiraIssue issue, Dictionary<string, JsonElement> fields)
    {
        if (!string.IsNullOrWhiteSpace(_options.AlertField) && fields.TryGetValue(_options.AlertField, out var field))
        {
            foreach (var text in Texts(field))
            {
                foreach (var id in AlertIds.Split(text))
                {
                    yield return id;
                }
            }
        }

        foreach (var label in Labels(fields, _options.AlertLabelPrefix))
        {
            yield return label;
        }

        if (_pattern is not null)
        {
            foreach (var text in Texts(fields.GetValueOrDefault("summary")).Concat(Texts(fields.GetValueOrDefault("description"))))
            {
                MatchCollection matches;
                try
                {
                    matches = _pattern.Matches(text);
                    _ = matches.Count; // evaluates every match now, inside the timeout's reach
                }
                catch (RegexMatchTimeoutException)
                {
                    Log.PatternTimeout(_logger, issue.Key);
                    yield break;
                }

                foreach (Match match in matches)
                {
                    var group = match.Groups["id"] is { Success: true } named ? named : match.Groups.Count > 1 ? match.Groups[1] : match.Groups[0];
                    if (group.Success && group.Length > 0)
                    {
                        yield return group.Value;
                    }
                }
            }
        }
    }

    /// <summary>The space the issue names, and where it names it (for a refusal that says which field to fix).</summary>
    private (string Space, string Field) SpaceOf(JiraIssue issue, Dictionary<string, JsonElement> fields)
    {
        if (Labels(fields, _options.SpaceLabelPrefix).FirstOrDefault() is { } labelled)
        {
            return (labelled, $"fields.labels ({_options.SpaceLabelPrefix}…)");
        }

        if (!string.IsNullOrWhiteSpace(_options.SpaceField) && fields.TryGetValue(_options.SpaceField, out var field)
            && Texts(field).Select(t => t.Trim()).FirstOrDefault(t => t.Length > 0) is { } named)
        {
            return (named, $"fields.{_options.SpaceField}");
        }

        var project = fields.TryGetValue("project", out var p) && p.ValueKind == JsonValueKind.Object && p.TryGetProperty("key", out var k) && k.ValueKind == JsonValueKind.String
            ? k.GetString()
            : issue.Key?.Split('-')[0];
        return project is not null && _options.ProjectSpaces.TryGetValue(project, out var mapped)
            ? (mapped.Trim(), $"Jira:ProjectSpaces:{project}")
            : (_defaultSpace, "Jira:DefaultSpace");
    }

    /// <summary>A person's id must fit the mapping table's key, and an email, when Jira shows one, must be one.</summary>
    private static string? PersonProblem(PersonRef person, string field) =>
        (person.Namespace == PersonRef.EmailNamespace ? InputRules.Email($"{field}'s email", person.Id) : InputRules.ExternalId($"{field}'s id", person.Id))
        ?? (person.Email is { } email ? InputRules.Email($"{field}'s email", email) : null);

    private static IEnumerable<string> Labels(Dictionary<string, JsonElement> fields, string? prefix)
    {
        if (string.IsNullOrEmpty(prefix) || !fields.TryGetValue("labels", out var labels) || labels.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }

        foreach (var label in labels.EnumerateArray())
        {
            if (label.ValueKind == JsonValueKind.String && label.GetString() is { } text && text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && text.Length > prefix.Length)
            {
                yield return text[prefix.Length..];
            }
        }
    }

    private static JiraUser? User(Dictionary<string, JsonElement> fields, string name) =>
        fields.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.Object
            ? value.Deserialize(JiraJsonContext.Default.JiraUser)
            : null;

    private static string? Text(Dictionary<string, JsonElement> fields, string name) =>
        fields.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The text of a field whatever its type: a string, a number, an array of them, an option (<c>value</c>) or an Atlassian document (<c>text</c> nodes).</summary>
    private static IEnumerable<string> Texts(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                yield return value.GetString()!;
                break;
            case JsonValueKind.Number:
                yield return value.GetRawText();
                break;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    foreach (var text in Texts(item))
                    {
                        yield return text;
                    }
                }

                break;
            case JsonValueKind.Object:
                foreach (var name in new[] { "value", "text", "content" })
                {
                    if (value.TryGetProperty(name, out var inner))
                    {
                        foreach (var text in Texts(inner))
                        {
                            yield return text;
                        }
                    }
                }

                break;
        }
    }

    /// <summary>Jira writes <c>2019-02-15T22:18:01.749-0500</c>: an offset without a colon.</summary>
    private static DateTimeOffset? ParseJiraTime(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var normalized = text.Length > 5 && text[^5] is '+' or '-' && text[^4..].All(char.IsAsciiDigit) ? $"{text[..^2]}:{text[^2..]}" : text;
        return DateTimeOffset.TryParse(normalized, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : null;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}

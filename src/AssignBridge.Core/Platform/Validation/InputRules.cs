using System.Text.RegularExpressions;
using AssignBridge.Platform.Storage;

namespace AssignBridge.Platform.Validation;

// The rules every value from outside is held to, whichever way it came in (the JSON API, Jira, ServiceNow, Slack,
// Teams, the people files and admin routes). Each is a pure function that returns null when the value passes, or a
// sentence naming field (as the caller knows it: alertIds[3], space, line 7's
// external id) and what is wrong. Intake refuses with that sentence, so nothing that breaks a rule reaches the
// journal; the planner and AssigneesRequestValidator apply the same rules as a last line of defence.
internal static partial class InputRules
{
    /// <summary>Alert ids, UIDs and other single-line identifiers: Kibana's document ids are far shorter.</summary>
    public const int MaxIdentifierLength = 512;

    // Kibana sets no maximum (see SpaceId); 100 is the bridge's bound, as it has always been for what
    // it sends. Kibana writes a space's Security alerts to .internal.alerts-security.alerts-<space>-000001,
    // an index name Elasticsearch caps at 255 bytes, so a space id beyond about 215 characters can hold no alerts to
    // assign at all; 100 stays well inside that, inside a URL path segment and inside a table key.
    public const int MaxSpaceIdLength = 100;

    /// <summary>RFC 5321 §4.5.3.1.3: a path is at most 256 octets including the angle brackets.</summary>
    public const int MaxEmailLength = 254;

    /// <summary>Display names: what the people files have always allowed.</summary>
    public const int MaxDisplayTextLength = 1_024;

    // The whole space-id rule as one pattern, for the options attribute that needs a constant:
    // Kibana's SPACE_ID_REGEX (see SpaceId) bounded by MaxSpaceIdLength.
    public const string SpaceIdPattern = "^[a-z0-9_-]{1,100}$";

    // A Kibana alert id (the alert document's _id). Kibana's rule for ids is z.string().min(1)
    // with isNonEmptyString, "No empty strings allowed" (kibana-api-facts.md §1); the bridge adds its own:
    // at most MaxIdentifierLength characters, no control characters, no surrounding whitespace.
    public static string? AlertId(string field, string? value) => Identifier(field, value, MaxIdentifierLength);

    /// <summary>A Kibana user-profile UID, held to the same rule as an alert id (Kibana checks <c>assignees.add</c>/<c>remove</c> as it checks <c>ids</c>).</summary>
    public static string? Uid(string field, string? value) => Identifier(field, value, MaxIdentifierLength);

    /// <summary>
    /// A single-line identifier: present, not only whitespace, no control characters, no surrounding whitespace, at
    /// most <paramref name="maxLength"/> characters. The core of every id rule here.
    /// </summary>
    public static string? Identifier(string field, string? value, int maxLength)
    {
        if (string.IsNullOrEmpty(value))
        {
            return $"{field} is missing (it must not be empty)";
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            return $"{field} is only whitespace";
        }

        if (value.Any(char.IsControl))
        {
            return $"{field} holds control characters";
        }

        if (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]))
        {
            return $"{field} has surrounding spaces (it must not start or end with whitespace)";
        }

        return value.Length > maxLength ? $"{field} is longer than {maxLength} characters" : null;
    }

    // A Kibana space id, by Kibana's own rule in its spaces plugin,
    // x-pack/platform/plugins/shared/spaces/server/lib/space_schema.ts (older releases:
    // x-pack/plugins/spaces/server/lib/space_schema.ts):
    // <code>
    // export const SPACE_ID_REGEX = /^[a-z0-9_\-]+$/;
    // ... if (!SPACE_ID_REGEX.test(value)) return `must be lower case, a-z, 0-9, '_', and '-' are allowed`;
    // </code>
    // The schema sets no maximum length, nor does the UI (public/management/lib/space_identifier_utils.ts,
    // isValidSpaceIdentifier: the id equals value.toLowerCase().replace(/[^a-z0-9_]/g, '-')); the bound
    // is the bridge's, MaxSpaceIdLength, which says why.
    public static string? SpaceId(string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return $"{field} is missing (it must not be empty)";
        }

        if (value.Length > MaxSpaceIdLength)
        {
            return $"{field} is {value.Length} characters long; a Kibana space id here has at most {MaxSpaceIdLength}";
        }

        return SpaceIdRegex().IsMatch(value) ? null : $"{field} is not a Kibana space id: it must be lower case, a-z, 0-9, '_', and '-' are allowed";
    }

    public static bool IsSpaceId(string? value) => SpaceId("space", value) is null;

    // An email address as the bridge matches people by it: a single-line value of at most
    // MaxEmailLength characters with exactly one @, text on both sides, and no white space or
    // angle brackets. No more than that: whether the address is real is the directory's business.
    public static string? Email(string field, string? value)
    {
        if (Identifier(field, value, MaxEmailLength) is { } problem)
        {
            return problem;
        }

        var at = value!.IndexOf('@', StringComparison.Ordinal);
        var shaped = at > 0 && at == value.LastIndexOf('@') && at < value.Length - 1 && !value.Any(c => char.IsWhiteSpace(c) || c is '<' or '>');
        return shaped ? null : $"'{value}' is not an email address: {field} needs one '@' with text on either side and no spaces";
    }

    public static bool IsEmail(string? value) => Email("email", value) is null;

    // An external identity's id (a Jira account id, a Slack user id, an email in the email namespace): an
    // identifier that also fits a table key once Encode has escaped it (at most
    // MaxLength characters encoded).
    public static string? ExternalId(string field, string? value)
    {
        if (Identifier(field, value, RowKeys.MaxLength) is { } problem)
        {
            return problem;
        }

        var encoded = RowKeys.EncodedLength(value!);
        return encoded > RowKeys.MaxLength
            ? $"{field} is too long for a table key ({encoded} characters encoded, at most {RowKeys.MaxLength})"
            : null;
    }

    // Text shown to people (a display name): at most MaxDisplayTextLength characters once trimmed, and
    // no control characters but line breaks and tabs (a quoted CSV field may hold a name on two lines). Null or blank
    // is no text, not a problem.
    public static string? DisplayText(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value.Trim();
        if (text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            return $"{field} holds control characters";
        }

        return text.Length > MaxDisplayTextLength ? $"{field} is longer than {MaxDisplayTextLength} characters" : null;
    }

    [GeneratedRegex(SpaceIdPattern, RegexOptions.CultureInvariant)]
    private static partial Regex SpaceIdRegex();

    /// <summary>Whether a default space and the spaces of a map are all space ids (or unset).</summary>
    internal static bool SpacesValid(string? defaultSpace, IEnumerable<string> spaces) =>
        (string.IsNullOrWhiteSpace(defaultSpace) || InputRules.IsSpaceId(defaultSpace.Trim())) && spaces.All(s => InputRules.IsSpaceId(s.Trim()));

    /// <summary>Whether a configured pattern compiles.</summary>
    internal static bool PatternValid(string? pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            return true;
        }

        try
        {
            _ = new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromMilliseconds(200));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

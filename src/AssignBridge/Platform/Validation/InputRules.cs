using System.Text.RegularExpressions;
using AssignBridge.Platform.Storage;

namespace AssignBridge.Platform.Validation;

/// <summary>
/// The rules every value from outside is held to, whichever way it came in (the JSON API, Jira, ServiceNow, Slack,
/// Teams, the people files and admin routes). Each is a pure function that returns null when the value passes, or a
/// sentence naming <c>field</c> (as the caller knows it: <c>alertIds[3]</c>, <c>space</c>, <c>line 7</c>'s
/// <c>external id</c>) and what is wrong. Intake refuses with that sentence, so nothing that breaks a rule reaches the
/// journal; the planner and <see cref="Kibana.AssigneesRequestValidator"/> apply the same rules as a last line of defence.
/// </summary>
internal static partial class InputRules
{
    /// <summary>Alert ids, UIDs and other single-line identifiers: Kibana's document ids are far shorter.</summary>
    public const int MaxIdentifierLength = 512;

    /// <summary>
    /// Kibana sets no maximum (see <see cref="SpaceId"/>); 100 is the bridge's bound, as it has always been for what
    /// it sends. Kibana writes a space's Security alerts to <c>.internal.alerts-security.alerts-&lt;space&gt;-000001</c>,
    /// an index name Elasticsearch caps at 255 bytes, so a space id beyond about 215 characters can hold no alerts to
    /// assign at all; 100 stays well inside that, inside a URL path segment and inside a table key.
    /// </summary>
    public const int MaxSpaceIdLength = 100;

    /// <summary>RFC 5321 §4.5.3.1.3: a path is at most 256 octets including the angle brackets.</summary>
    public const int MaxEmailLength = 254;

    /// <summary>Display names: what the people files have always allowed.</summary>
    public const int MaxDisplayTextLength = 1_024;

    /// <summary>
    /// The whole space-id rule as one pattern, for the options attribute that needs a constant:
    /// Kibana's <c>SPACE_ID_REGEX</c> (see <see cref="SpaceId"/>) bounded by <see cref="MaxSpaceIdLength"/>.
    /// </summary>
    public const string SpaceIdPattern = "^[a-z0-9_-]{1,100}$";

    /// <summary>
    /// A Kibana alert id (the alert document's <c>_id</c>). Kibana's rule for <c>ids</c> is <c>z.string().min(1)</c>
    /// with <c>isNonEmptyString</c>, "No empty strings allowed" (kibana-api-facts.md §1); the bridge adds its own:
    /// at most <see cref="MaxIdentifierLength"/> characters, no control characters, no surrounding whitespace.
    /// </summary>
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

    /// <summary>
    /// A Kibana space id, by Kibana's own rule in its spaces plugin,
    /// <c>x-pack/platform/plugins/shared/spaces/server/lib/space_schema.ts</c> (older releases:
    /// <c>x-pack/plugins/spaces/server/lib/space_schema.ts</c>):
    /// <code>
    /// export const SPACE_ID_REGEX = /^[a-z0-9_\-]+$/;
    /// ... if (!SPACE_ID_REGEX.test(value)) return `must be lower case, a-z, 0-9, '_', and '-' are allowed`;
    /// </code>
    /// The schema sets no maximum length, nor does the UI (<c>public/management/lib/space_identifier_utils.ts</c>,
    /// <c>isValidSpaceIdentifier</c>: the id equals <c>value.toLowerCase().replace(/[^a-z0-9_]/g, '-')</c>); the bound
    /// is the bridge's, <see cref="MaxSpaceIdLength"/>, which says why.
    /// </summary>
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

    /// <summary>
    /// An email address as the bridge matches people by it: a single-line value of at most
    /// <see cref="MaxEmailLength"/> characters with exactly one <c>@</c>, text on both sides, and no white space or
    /// angle brackets. No more than that: whether the address is real is the directory's business.
    /// </summary>
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

    /// <summary>
    /// An external identity's id (a Jira account id, a Slack user id, an email in the <c>email</c> namespace): an
    /// identifier that also fits a table key once <see cref="RowKeys.Encode"/> has escaped it (at most
    /// <see cref="RowKeys.MaxLength"/> characters encoded).
    /// </summary>
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

    /// <summary>
    /// Text shown to people (a display name): at most <see cref="MaxDisplayTextLength"/> characters once trimmed, and
    /// no control characters but line breaks and tabs (a quoted CSV field may hold a name on two lines). Null or blank
    /// is no text, not a problem.
    /// </summary>
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

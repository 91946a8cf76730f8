using System.Text.RegularExpressions;

namespace AssignBridge.Kibana;

internal static partial class KibanaSpaces
{
    public const string Default = "default";

    // Kibana space ids: lower-case letters, digits, underscores and hyphens.
    public const string Pattern = "^[a-z0-9_-]{1,100}$";

    public static bool IsValid(string space) => SpaceRegex().IsMatch(space);

    /// <summary>The route prefix for a space: none for the default space, <c>s/{space}/</c> otherwise (kibana-api-facts.md §1).</summary>
    public static string Prefix(string space) => space == Default ? string.Empty : $"s/{space}/";

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex SpaceRegex();
}

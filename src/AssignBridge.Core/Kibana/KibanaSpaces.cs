namespace AssignBridge.Kibana;

/// <summary>Where a space's routes live. What a space id may be is <c>InputRules.SpaceId</c>.</summary>
internal static class KibanaSpaces
{
    public const string Default = "default";

    /// <summary>The route prefix for a space: none for the default space, <c>s/{space}/</c> otherwise (kibana-api-facts.md §1).</summary>
    public static string Prefix(string space) => space == Default ? string.Empty : $"s/{space}/";
}

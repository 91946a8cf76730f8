using System.Text.Json;

namespace KibanaSimulator;

/// <summary>
/// Reproduces the text of Kibana's zod v4 request validation: the issue messages of
/// <c>z.object</c>/<c>z.array</c>/<c>z.string().min(1)</c>/<c>isNonEmptyString</c>, joined by
/// <c>stringifyZodError</c> (<c>path.to.field: message</c>, ", ", at most 5 then "and N more") and
/// prefixed by core with <c>[request body]: </c>. Facts file section 1 "Request validation (zod)".
/// </summary>
internal sealed class ZodIssues
{
    private const int MaxErrors = 5;
    private readonly List<string> _messages = [];

    public bool Any => _messages.Count > 0;

    public static JsonElement? Property(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) ? value : null;

    // zod v4's parsedType; a JSON body can only hold these (no NaN, no class instances).
    public static string TypeOf(JsonElement? value) => value?.ValueKind switch
    {
        null or JsonValueKind.Undefined => "undefined",
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    public void Add(string path, string message) =>
        _messages.Add(path.Length == 0 ? message : $"{path}: {message}");

    public void InvalidType(string path, string expected, JsonElement? value) =>
        Add(path, $"Invalid input: expected {expected}, received {TypeOf(value)}");

    /// <summary>
    /// <c>z.array(z.string().min(1).superRefine(isNonEmptyString)).min(minItems)</c>. zod v4 checks
    /// do not abort, so an empty string gets both the min(1) and the isNonEmptyString message.
    /// Returns null when the value is not an array.
    /// </summary>
    public List<string>? NonEmptyStrings(JsonElement? value, string path, int minItems = 0)
    {
        if (value is not { ValueKind: JsonValueKind.Array } array)
        {
            InvalidType(path, "array", value);
            return null;
        }

        var strings = new List<string>();
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var itemPath = $"{path}.{index++}";
            if (item.ValueKind != JsonValueKind.String)
            {
                InvalidType(itemPath, "string", item);
                continue;
            }

            var text = item.GetString()!;
            if (text.Length == 0)
            {
                Add(itemPath, "Too small: expected string to have >=1 characters");
            }

            if (IsBlankForJavaScript(text))
            {
                Add(itemPath, "No empty strings allowed");
            }

            strings.Add(text);
        }

        if (index < minItems)
        {
            Add(path, $"Too small: expected array to have >={minItems} items");
        }

        return strings;
    }

    /// <summary><c>z.array(z.string())</c>.</summary>
    public void Strings(JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            InvalidType(path, "array", value);
            return;
        }

        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                InvalidType($"{path}.{index}", "string", item);
            }

            index++;
        }
    }

    public string ToRequestBodyMessage()
    {
        var shown = _messages.Take(MaxErrors).ToList();
        if (_messages.Count > MaxErrors)
        {
            shown.Add($"and {_messages.Count - MaxErrors} more");
        }

        return $"[request body]: {string.Join(", ", shown)}";
    }

    // isNonEmptyString rejects `input.trim() === ''`. JavaScript's trim also strips U+FEFF and,
    // unlike char.IsWhiteSpace, keeps U+0085.
    private static bool IsBlankForJavaScript(string text) =>
        text.All(c => c == '\uFEFF' || (char.IsWhiteSpace(c) && c != '\u0085'));
}

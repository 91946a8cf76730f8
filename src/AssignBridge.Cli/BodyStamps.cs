using System.Text;
using System.Text.Json;

namespace AssignBridge.Cli;

/// <summary>
/// Sets the values a sender makes fresh for each delivery (its send time, its delivery id) in a sample body, changing
/// no other byte: the body is signed as it is then sent.
/// </summary>
internal static class BodyStamps
{
    /// <summary>
    /// The JSON object with the top-level properties named in <paramref name="values"/> given those raw JSON values; a
    /// property the body does not have is not added.
    /// </summary>
    /// <exception cref="JsonException">The body is not JSON.</exception>
    public static byte[] Json(byte[] body, IReadOnlyDictionary<string, string> values)
    {
        var edits = new List<(int Start, int Length, string Raw)>();
        var reader = new Utf8JsonReader(body);
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1)
            {
                continue;
            }

            var name = reader.GetString()!;
            reader.Read();
            if (values.TryGetValue(name, out var raw) && reader.TokenType is JsonTokenType.String or JsonTokenType.Number or JsonTokenType.Null)
            {
                // A string token starts at its opening quote; ValueSpan holds what is between the quotes, escapes as written.
                var length = reader.TokenType == JsonTokenType.String ? reader.ValueSpan.Length + 2 : reader.ValueSpan.Length;
                edits.Add(((int)reader.TokenStartIndex, length, raw));
            }
            else
            {
                reader.Skip();
            }
        }

        return Splice(body, edits);
    }

    /// <summary>The form body with the field <paramref name="name"/> set to <paramref name="value"/>; no field of that name, no change.</summary>
    public static byte[] Form(byte[] body, string name, string value)
    {
        var text = Encoding.UTF8.GetString(body);
        var fields = text.Split('&');
        for (var i = 0; i < fields.Length; i++)
        {
            if (fields[i].StartsWith(name + "=", StringComparison.Ordinal))
            {
                fields[i] = name + "=" + Uri.EscapeDataString(value);
            }
        }

        return Encoding.UTF8.GetBytes(string.Join('&', fields));
    }

    /// <summary>A JSON string literal of <paramref name="text"/>.</summary>
    public static string JsonString(string text) => "\"" + JsonEncodedText.Encode(text) + "\"";

    private static byte[] Splice(byte[] body, List<(int Start, int Length, string Raw)> edits)
    {
        using var result = new MemoryStream(body.Length + 64);
        var position = 0;
        foreach (var (start, length, raw) in edits)
        {
            result.Write(body, position, start - position);
            result.Write(Encoding.UTF8.GetBytes(raw));
            position = start + length;
        }

        result.Write(body, position, body.Length - position);
        return result.ToArray();
    }
}

using System.Text.Json;
using System.Text.Unicode;

namespace AssignBridge.Platform.Validation;

// Whether every string of a JSON body (names and values) is text. JSON may escape half of a surrogate pair
// ("\ud800") and carry bytes that are not UTF-8; System.Text.Json parses both, and only reading such a string
// through a JsonElement throws (an InvalidOperationException, not a
// JsonException). One pass here lets every way in refuse such a body up front with a 400.
internal static class JsonText
{
    /// <param name="json">The body.</param>
    /// <param name="namesOnly">Check field names only, for a parser that reports broken values itself, by their path.</param>
    /// <returns>Null when every string is text (or the body is not JSON at all: the parser reports that); otherwise where the first one that is not sits.</returns>
    public static string? FirstBrokenString(ReadOnlySpan<byte> json, bool namesOnly = false)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is not (JsonTokenType.PropertyName or JsonTokenType.String) || (namesOnly && reader.TokenType == JsonTokenType.String))
                {
                    continue;
                }

                if (reader.ValueIsEscaped ? !CanUnescape(ref reader) : !Utf8.IsValid(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan))
                {
                    return $"the {(reader.TokenType == JsonTokenType.PropertyName ? "field name" : "string")} at byte {reader.TokenStartIndex + 1} is not text (an escaped lone surrogate such as \\ud800, or bytes that are not UTF-8)";
                }
            }
        }
        catch (JsonException)
        {
            // Malformed JSON: left to the parser, which says where.
        }

        return null;
    }

    private static bool CanUnescape(ref Utf8JsonReader reader)
    {
        try
        {
            _ = reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}

using System.Globalization;
using System.Text;
using CsCheck;

namespace AssignBridge.IntegrationTests.Properties;

/// <summary>
/// Generators of valid shapes with hostile values: text that is long, empty, whitespace, control characters, unicode
/// (surrogate pairs, right-to-left, combining marks, lone surrogates where the transport carries them), and JSON
/// values of the wrong type, deeply nested or huge. Every way in builds its bodies from these.
/// </summary>
internal static class Hostile
{
    private static readonly string[] Pieces =
    [
        "", " ", "   ", "\t", "\n", "\r\n", "\0", "\u001f", "\u007f", "\u0085", "\u2028", "\ufeff", "\u200b",
        "alert-1", "a", "Z", "0", "-", "_", ".", "..", "../", "/", "\\", ",", ";", ":", "'", "\"", "`", "%", "%00", "&", "=", "+", "#", "?",
        "{", "}", "[", "]", "<", ">", "<at>", "</at>", "<@U1ALICE|alice>", "<@", "|", "@", "uid:", "me", "to", "in", "help",
        "kibana-space:", "null", "true", "0x7fffffff", "-1", "1e999",
        "\ud83d\ude00", "\ud83c\udff3\ufe0f\u200d\ud83c\udf08", "\u202e", "\u202d", "\u05d0\u05d1\u05d2", "\u0627\u0644\u0639", "e\u0301", "\u0301\u0301\u0301",
        "\ud800", "\udc00", "\ud83d", "\uff21\uff22", "\u0130", "\u00df", "\u212a", "\u4e2d\u6587",
    ];

    private static readonly char[] LongChars = ['x', 'a', '0', '-', ' ', '\0', '\u00e9', '\u4e2d', '\ud800'];

    /// <summary>Runs of one character, up to several KB.</summary>
    public static readonly Gen<string> Long = Gen.Select(Gen.Int[1, 6_000], Gen.OneOf(LongChars), (n, c) => new string(c, n));

    /// <summary>Hostile text: a few pieces and sometimes a long run, concatenated (may be empty).</summary>
    public static readonly Gen<string> Text = Gen.Frequency((8, Gen.OneOf(Pieces)), (1, Long)).Array[0, 6].Select(string.Concat);

    /// <summary>Characters a space id or an alert id may hold, in runs up to several KB (an over-long but well-formed id).</summary>
    public static readonly Gen<string> IdLike = Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-_"].Array[1, 3_000].Select(cs => new string(cs));

    /// <summary>Mostly the valid value, otherwise a hostile one, so most cases get past the first check.</summary>
    public static Gen<string> Mostly(string valid, Gen<string> hostile) => Gen.Frequency((5, Gen.Const(valid)), (1, hostile));

    public static readonly Gen<string> StringValue = Gen.Frequency((6, Text), (1, IdLike)).Select(Literal);

    private static readonly string[] Scalars = ["0", "-1", "1.5", "1e308", "-0", "123456789012345678901234567890", "true", "false", "null", "\"\"", "[]", "{}", "[null]", "{\"\":\"\"}"];

    /// <summary>Nesting far deeper than any reader should follow.</summary>
    public static readonly Gen<string> Deep = Gen.Select(Gen.Int[2, 300], Gen.Bool, (n, arrays) => arrays
        ? new string('[', n) + new string(']', n)
        : string.Concat(Enumerable.Repeat("{\"a\":", n)) + "1" + new string('}', n));

    /// <summary>Arrays of thousands of items.</summary>
    public static readonly Gen<string> Huge = Gen.Int[200, 2_000].Select(n => "[" + string.Join(',', Enumerable.Range(0, n).Select(i => $"\"a{i.ToString(CultureInfo.InvariantCulture)}\"")) + "]");

    public static readonly Gen<string> ArrayOfStrings = StringValue.Array[0, 5].Select(items => "[" + string.Join(',', items) + "]");

    /// <summary>An object with hostile names and values, a duplicate key among them.</summary>
    public static readonly Gen<string> Object = Gen.Select(StringValue.Array[0, 4], StringValue, (values, key) =>
        "{" + string.Join(',', values.Select((v, i) => $"{(i % 2 == 0 ? key : Literal("k" + i.ToString(CultureInfo.InvariantCulture)))}:{v}")) + "}");

    /// <summary>Any JSON value, as JSON text: mostly a hostile string, else a wrong type, deep nesting or a huge array.</summary>
    public static readonly Gen<string> Value = Gen.Frequency(
        (8, StringValue), (3, Gen.OneOf(Scalars)), (1, Deep), (1, Huge), (2, ArrayOfStrings), (1, Object));

    /// <summary>Where a list of strings is expected.</summary>
    public static readonly Gen<string> List = Gen.Frequency((4, ArrayOfStrings), (2, Value), (1, Huge));

    /// <summary>Members nobody asked for: unknown names, duplicates of known ones (given), deep values.</summary>
    public static Gen<string> Extra(params string[] known) => Gen.Frequency(
        (12, Gen.Const(string.Empty)),
        (1, Gen.Select(Gen.OneOf(known), Value, (k, v) => $",{Literal(k)}:{v}")),
        (1, Gen.Select(StringValue, Value, (k, v) => $",{k}:{v}")),
        (1, Deep.Select(d => $",\"extra\":{d}")));

    /// <summary>A JSON string literal. Control characters and lone surrogates are written as escapes, which JSON allows.</summary>
    public static string Literal(string text)
    {
        var json = new StringBuilder(text.Length + 2).Append('"');
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                json.Append(c).Append(text[++i]);
            }
            else if (c is '"' or '\\')
            {
                json.Append('\\').Append(c);
            }
            else if (c < 0x20 || c == 0x7f || char.IsSurrogate(c))
            {
                json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                json.Append(c);
            }
        }

        return json.Append('"').ToString();
    }

    /// <summary>Percent-encodes the UTF-8 of the text (a lone surrogate becomes U+FFFD, as any UTF-8 sender writes it).</summary>
    public static string Escape(string text)
    {
        var escaped = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            if (b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
            {
                escaped.Append((char)b);
            }
            else
            {
                escaped.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return escaped.ToString();
    }

    /// <summary>Percent sequences that decode to invalid UTF-8 (surrogates in CESU form, truncated sequences, stray percents).</summary>
    public static readonly Gen<string> RawPercent = Gen.OneOf("", "", "", "%ED%A0%80", "%FF", "%C3", "%E2%82", "%C0%AF", "%", "%Z", "%%", "%25%", "%00");

    /// <summary>The text as UTF-8 bytes, sometimes with invalid UTF-8 spliced in.</summary>
    public static byte[] Utf8(string text, int invalidAt)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (invalidAt < 0 || bytes.Length == 0)
        {
            return bytes;
        }

        var at = invalidAt % bytes.Length;
        return [.. bytes[..at], 0xFF, 0xC3, 0xED, 0xA0, 0x80, .. bytes[at..]];
    }

    /// <summary>A short, one-line rendering of a generated value for failure messages.</summary>
    public static string Show(string text, int max = 400)
    {
        var shown = new StringBuilder();
        foreach (var c in text.Length > max ? text[..max] : text)
        {
            if (c < 0x20 || c == 0x7f || char.IsSurrogate(c))
            {
                shown.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                shown.Append(c);
            }
        }

        return text.Length > max ? $"{shown}…({text.Length.ToString(CultureInfo.InvariantCulture)} chars)" : shown.ToString();
    }
}

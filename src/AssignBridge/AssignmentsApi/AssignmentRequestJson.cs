using System.Text.Json.Serialization.Metadata;
using System.Text.Json.Serialization;
using System.Text.Json;

namespace AssignBridge.AssignmentsApi;

// The body of POST /api/assignments as sent. Null is "not sent" (a JSON null too, except for the alert ids);
// members nobody knows land in Unknown. A value of the wrong shape is kept as its problem rather than
// thrown, so that AssignmentRequestParser reports all of them together, each under its own path.
internal sealed record AssignmentRequest(
    [property: JsonConverter(typeof(OptionalTextConverter))] SentText? Space,
    [property: JsonConverter(typeof(AlertIdsConverter))] SentList<AlertItem>? AlertIds,
    [property: JsonConverter(typeof(PeopleConverter))] SentList<PersonItem>? Add,
    [property: JsonConverter(typeof(PeopleConverter))] SentList<PersonItem>? Remove,
    [property: JsonConverter(typeof(OptionalTextConverter))] SentText? Reference,
    [property: JsonConverter(typeof(OptionalTextConverter))] SentText? RequestedBy)
{
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}

/// <summary>A string as sent, or what was found instead: <c>expected a string, found a number.</c></summary>
internal sealed record SentText(string? Value, string? Problem = null);

/// <summary>A list as sent, or what was found instead.</summary>
internal sealed record SentList<T>(IReadOnlyList<T> Items, string? Problem = null);

/// <summary>An alert: an object <c>{"id","space"}</c>, or else its id as <see cref="SentText"/> (which says so when it is neither).</summary>
[JsonConverter(typeof(AlertItemConverter))]
internal sealed record AlertItem(SentText? Text, AlertObject? Object);

internal sealed record AlertObject(SentText? Id, [property: JsonConverter(typeof(OptionalTextConverter))] SentText? Space);

/// <summary>A person: <c>{"uid"}</c>, <c>{"email"}</c> or <c>{"namespace","id","email"?}</c>, or else a string (<c>namespace:id</c>, an email or a UID).</summary>
[JsonConverter(typeof(PersonItemConverter))]
internal sealed record PersonItem(SentText? Text, PersonObject? Object);

internal sealed record PersonObject(SentText? Uid, SentText? Namespace, SentText? Id, SentText? Email);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, Converters = [typeof(TextConverter)])]
[JsonSerializable(typeof(AssignmentRequest))]
[JsonSerializable(typeof(List<AlertItem>))]
[JsonSerializable(typeof(List<PersonItem>))]
[JsonSerializable(typeof(AlertObject))]
[JsonSerializable(typeof(PersonObject))]
internal sealed partial class AssignmentRequestJsonContext : JsonSerializerContext;

// The serializer throws at the first value of the wrong type, naming a .NET type, and reads a lone surrogate only to
// throw: these converters keep such a value as its problem in the caller's terms, and go on.

/// <summary>A string; anything else, a JSON null included, is kept as its problem.</summary>
internal class TextConverter : JsonConverter<SentText>
{
    public override bool HandleNull => true;

    public override SentText Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => ReadText(ref reader, "a string");

    public override void Write(Utf8JsonWriter writer, SentText value, JsonSerializerOptions options) => throw new NotSupportedException();

    public static SentText ReadText(ref Utf8JsonReader reader, string expected)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return new(null, Found(ref reader, expected));
        }

        try
        {
            return new(reader.GetString());
        }
        catch (InvalidOperationException)
        {
            return new(null, "is not valid Unicode text.");
        }
    }

    /// <summary>What the value the reader is on is instead of <paramref name="expected"/>; the reader is left at its end.</summary>
    public static string Found(ref Utf8JsonReader reader, string expected)
    {
        var found = reader.TokenType switch
        {
            JsonTokenType.StartObject => "an object",
            JsonTokenType.StartArray => "a list",
            JsonTokenType.String => "a string",
            JsonTokenType.Number => "a number",
            JsonTokenType.True or JsonTokenType.False => "a boolean",
            JsonTokenType.Null => "null",
            _ => "nothing",
        };
        reader.Skip();
        return $"expected {expected}, found {found}.";
    }

    /// <summary>Reads the value the reader is on with the context's own metadata.</summary>
    public static T Nested<T>(ref Utf8JsonReader reader, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize(ref reader, (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T)))!;
}

/// <summary>A string where a JSON null means "not sent".</summary>
internal sealed class OptionalTextConverter : TextConverter
{
    public override bool HandleNull => false;
}

internal abstract class ListConverter<T>(string expected, bool nullIsNone) : JsonConverter<SentList<T>>
{
    public override bool HandleNull => !nullIsNone;

    public override SentList<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType == JsonTokenType.StartArray
        ? new(TextConverter.Nested<List<T>>(ref reader, options))
        : new([], TextConverter.Found(ref reader, expected));

    public override void Write(Utf8JsonWriter writer, SentList<T> value, JsonSerializerOptions options) => throw new NotSupportedException();
}

internal sealed class AlertIdsConverter() : ListConverter<AlertItem>("a list", nullIsNone: false);

internal sealed class PeopleConverter() : ListConverter<PersonItem>("a list of people", nullIsNone: true);

/// <summary>A list item that is an object or a string, a union the serializer has no attribute for.</summary>
internal abstract class TextOrObjectConverter<T, TObject>(string expected, Func<SentText?, TObject?, T> create) : JsonConverter<T>
{
    public override bool HandleNull => true;

    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType == JsonTokenType.StartObject
        ? create(null, TextConverter.Nested<TObject>(ref reader, options))
        : create(TextConverter.ReadText(ref reader, expected), default);

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => throw new NotSupportedException();
}

internal sealed class AlertItemConverter() : TextOrObjectConverter<AlertItem, AlertObject>("an alert id (a string) or {\"id\",\"space\"}", (text, alert) => new(text, alert));

internal sealed class PersonItemConverter() : TextOrObjectConverter<PersonItem, PersonObject>("a person (a string or an object)", (text, person) => new(text, person));

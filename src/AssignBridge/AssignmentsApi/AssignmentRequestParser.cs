using System.Text.Json;
using AssignBridge.Assignments;
using AssignBridge.People;
using AssignBridge.Platform.Validation;

namespace AssignBridge.AssignmentsApi;

/// <summary>The alerts and people of a <c>POST /api/assignments</c> body, or the problems found, keyed by JSON path.</summary>
internal sealed record ParsedAssignment(IReadOnlyList<AlertRef> Alerts, IReadOnlyList<PersonRef> Add, IReadOnlyList<PersonRef> Remove, string? Reference, string? RequestedBy);

/// <summary>
/// Reads the JSON of <c>POST /api/assignments</c> by hand rather than through a serializer, so that every
/// problem is reported in the caller's terms (<c>alertIds[3]: alertIds[3] holds control characters.</c>) and
/// all of them at once, never as a .NET type name or a stack trace. Every value is held to <see cref="InputRules"/>.
/// </summary>
internal sealed class AssignmentRequestParser(AssignmentsOptions limits, string defaultSpace)
{
    private const int MaxProblems = 20;
    private static readonly string[] KnownFields = ["space", "alertIds", "add", "remove", "reference", "requestedBy"];

    private readonly Dictionary<string, List<string>> _problems = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string[]> Problems => _problems.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);

    public ParsedAssignment? Parse(ReadOnlySpan<byte> body)
    {
        if (JsonText.FirstBrokenString(body, namesOnly: true) is { } broken)
        {
            Problem("$", broken + ".");
            return null;
        }

        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 8 });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException exception)
        {
            Problem("$", $"the body is not valid JSON (line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1}).");
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                Problem("$", $"expected a JSON object, found {Describe(root.ValueKind)}.");
                return null;
            }

            foreach (var property in root.EnumerateObject())
            {
                if (!KnownFields.Contains(property.Name, StringComparer.Ordinal))
                {
                    Problem(property.Name, $"unknown field; the fields are {string.Join(", ", KnownFields)}.");
                }
            }

            var space = OptionalSpace(root, "space") ?? defaultSpace;
            var alerts = Alerts(root, space);
            var add = People(root, "add");
            var remove = People(root, "remove");
            if (add.Count == 0 && remove.Count == 0 && !_problems.ContainsKey("add") && !_problems.ContainsKey("remove"))
            {
                Problem("add", "name at least one person to add or to remove.");
            }

            var reference = OptionalText(root, "reference");
            var requestedBy = OptionalText(root, "requestedBy");
            return _problems.Count == 0 ? new ParsedAssignment(alerts, add, remove, reference, requestedBy) : null;
        }
    }

    private List<AlertRef> Alerts(JsonElement root, string space)
    {
        var alerts = new List<AlertRef>();
        if (!root.TryGetProperty("alertIds", out var ids))
        {
            Problem("alertIds", "required: a list of alert ids (the _id of each alert document).");
            return alerts;
        }

        if (ids.ValueKind != JsonValueKind.Array)
        {
            Problem("alertIds", $"expected a list, found {Describe(ids.ValueKind)}.");
            return alerts;
        }

        var count = ids.GetArrayLength();
        if (count == 0)
        {
            Problem("alertIds", "name at least one alert id.");
        }
        else if (count > limits.MaxAlertIds)
        {
            Problem("alertIds", $"{count} alert ids; at most {limits.MaxAlertIds} per request. Split the list.");
            return alerts;
        }

        var index = 0;
        foreach (var item in ids.EnumerateArray())
        {
            var path = $"alertIds[{index++}]";
            if (item.ValueKind == JsonValueKind.String)
            {
                if (Text(path, item, InputRules.AlertId) is { } id)
                {
                    alerts.Add(new AlertRef(space, id));
                }
            }
            else if (item.ValueKind == JsonValueKind.Object)
            {
                var itemSpace = OptionalSpace(item, "space", path) ?? space;
                if (!item.TryGetProperty("id", out var id))
                {
                    Problem(path, "an alert object needs an \"id\".");
                }
                else if (Text(path + ".id", id, InputRules.AlertId) is { } text)
                {
                    alerts.Add(new AlertRef(itemSpace, text));
                }
            }
            else
            {
                Problem(path, $"expected an alert id (a string) or {{\"id\",\"space\"}}, found {Describe(item.ValueKind)}.");
            }
        }

        return alerts;
    }

    private List<PersonRef> People(JsonElement root, string field)
    {
        var people = new List<PersonRef>();
        if (!root.TryGetProperty(field, out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return people;
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            Problem(field, $"expected a list of people, found {Describe(list.ValueKind)}.");
            return people;
        }

        if (list.GetArrayLength() > limits.MaxPeople)
        {
            Problem(field, $"{list.GetArrayLength()} people; at most {limits.MaxPeople}.");
            return people;
        }

        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            if (Person($"{field}[{index++}]", item) is { } person)
            {
                people.Add(person);
            }
        }

        return people;
    }

    /// <summary>
    /// A person is a string (<c>namespace:id</c> for a known namespace, an email, or else a Kibana UID) or an
    /// object: <c>{"uid"}</c>, <c>{"email"}</c>, or <c>{"namespace","id","email"?}</c>.
    /// </summary>
    private PersonRef? Person(string path, JsonElement item)
    {
        if (item.ValueKind == JsonValueKind.String)
        {
            return Text(path, item, Line) is { } text ? FromShorthand(path, text) : null;
        }

        if (item.ValueKind != JsonValueKind.Object)
        {
            Problem(path, $"expected a person (a string or an object), found {Describe(item.ValueKind)}.");
            return null;
        }

        if (item.TryGetProperty("uid", out var uid))
        {
            return Text(path + ".uid", uid, InputRules.Uid) is { } u ? PersonRef.ForUid(u) : null;
        }

        if (item.TryGetProperty("namespace", out var ns))
        {
            var nsText = Text(path + ".namespace", ns, Line);
            var id = item.TryGetProperty("id", out var idElement)
                ? Text(path + ".id", idElement, nsText == PersonRef.EmailNamespace ? InputRules.Email : InputRules.ExternalId)
                : Missing(path + ".id");
            var email = item.TryGetProperty("email", out var emailElement) ? Text(path + ".email", emailElement, InputRules.Email) : null;
            if (nsText is null || id is null)
            {
                return null;
            }

            if (!PersonRef.TableNamespaces.Contains(nsText))
            {
                Problem(path + ".namespace", $"unknown namespace '{nsText}'; known: {string.Join(", ", PersonRef.TableNamespaces)}.");
                return null;
            }

            return nsText == PersonRef.EmailNamespace ? PersonRef.ForEmail(id) : new PersonRef(nsText, id, email);
        }

        if (item.TryGetProperty("email", out var onlyEmail))
        {
            return Text(path + ".email", onlyEmail, InputRules.Email) is { } e ? PersonRef.ForEmail(e) : null;
        }

        Problem(path, "a person object needs \"uid\", \"email\", or \"namespace\" with \"id\".");
        return null;
    }

    private PersonRef? FromShorthand(string path, string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0)
        {
            var ns = text[..colon];
            var id = text[(colon + 1)..];
            if (ns == PersonRef.UidNamespace)
            {
                return id.Length == 0 ? Invalid(path, "'uid:' needs a UID after it.")
                    : Checked(path, id, InputRules.Uid) is { } uid ? PersonRef.ForUid(uid) : null;
            }

            if (PersonRef.TableNamespaces.Contains(ns))
            {
                return id.Length == 0 ? Invalid(path, $"'{ns}:' needs an id after it.")
                    : ns == PersonRef.EmailNamespace ? (Checked(path, id, InputRules.Email) is { } email ? PersonRef.ForEmail(email) : null)
                    : Checked(path, id, InputRules.ExternalId) is { } external ? new PersonRef(ns, external) : null;
            }
        }

        return text.Contains('@', StringComparison.Ordinal)
            ? (Checked(path, text, InputRules.Email) is { } address ? PersonRef.ForEmail(address) : null)
            : Checked(path, text, InputRules.Uid) is { } plain ? PersonRef.ForUid(plain) : null;
    }

    private string? OptionalSpace(JsonElement parent, string field, string? parentPath = null)
    {
        if (!parent.TryGetProperty(field, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var path = parentPath is null ? field : $"{parentPath}.{field}";
        return Text(path, element, InputRules.SpaceId);
    }

    private string? OptionalText(JsonElement parent, string field) =>
        parent.TryGetProperty(field, out var element) && element.ValueKind != JsonValueKind.Null ? Text(field, element, Line) : null;

    /// <summary>Any other single-line value (a namespace, a reference, who asked): the identifier rule at its usual bound.</summary>
    private static string? Line(string field, string? value) => InputRules.Identifier(field, value, InputRules.MaxIdentifierLength);

    /// <summary>A string held to one of <see cref="InputRules"/>; its problem is recorded under the path, which it names.</summary>
    private string? Text(string path, JsonElement element, Func<string, string?, string?> rule) =>
        StringOf(path, element) is { } text ? Checked(path, text, rule) : null;

    private string? Checked(string path, string text, Func<string, string?, string?> rule)
    {
        if (rule(path, text) is { } problem)
        {
            Problem(path, problem + ".");
            return null;
        }

        return text;
    }

    private string? StringOf(string path, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            Problem(path, $"expected a string, found {Describe(element.ValueKind)}.");
            return null;
        }

        string text;
        try
        {
            text = element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            Problem(path, "is not valid Unicode text.");
            return null;
        }

        return text;
    }

    private string? Missing(string path)
    {
        Problem(path, "required.");
        return null;
    }

    private PersonRef? Invalid(string path, string message)
    {
        Problem(path, message);
        return null;
    }

    private void Problem(string path, string message)
    {
        if (_problems.Values.Sum(v => v.Count) >= MaxProblems)
        {
            return;
        }

        if (!_problems.TryGetValue(path, out var list))
        {
            _problems[path] = list = [];
        }

        list.Add(message);
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}

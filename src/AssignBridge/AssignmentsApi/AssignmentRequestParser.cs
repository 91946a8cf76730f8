using System.Text.Json;
using AssignBridge.Assignments;
using AssignBridge.People;
using AssignBridge.Platform.Validation;

namespace AssignBridge.AssignmentsApi;

/// <summary>The alerts and people of a <c>POST /api/assignments</c> body, or the problems found, keyed by JSON path.</summary>
internal sealed record ParsedAssignment(IReadOnlyList<AlertRef> Alerts, IReadOnlyList<PersonRef> Add, IReadOnlyList<PersonRef> Remove, string? Reference, string? RequestedBy);

// Reads the JSON of POST /api/assignments into AssignmentRequest, then holds every value to
// InputRules, so that every problem is reported in the caller's terms (alertIds[3]: alertIds[3] holds
// control characters.) and all of them at once, never as a .NET type name or a stack trace.
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

        if (Read(body) is not { } request)
        {
            return null;
        }

        foreach (var name in request.Unknown?.Keys ?? Enumerable.Empty<string>())
        {
            Problem(name, $"unknown field; the fields are {string.Join(", ", KnownFields)}.");
        }

        var space = Optional("space", request.Space, InputRules.SpaceId) ?? defaultSpace;
        var alerts = Alerts(request.AlertIds, space);
        var add = People("add", request.Add);
        var remove = People("remove", request.Remove);
        if (add.Count == 0 && remove.Count == 0 && !_problems.ContainsKey("add") && !_problems.ContainsKey("remove"))
        {
            Problem("add", "name at least one person to add or to remove.");
        }

        var reference = Optional("reference", request.Reference, Line);
        var requestedBy = Optional("requestedBy", request.RequestedBy, Line);
        return _problems.Count == 0 ? new ParsedAssignment(alerts, add, remove, reference, requestedBy) : null;
    }

    /// <summary>The body as sent, or null when it is not JSON (nested deeper than 8 included) or not an object.</summary>
    private AssignmentRequest? Read(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 8 });
        try
        {
            // The serializer checks the whole value before it reads any of it, so a body that is not JSON is said to be so first.
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                return JsonSerializer.Deserialize(ref reader, AssignmentRequestJsonContext.Default.AssignmentRequest);
            }

            Problem("$", TextConverter.Found(ref reader, "a JSON object"));
        }
        catch (JsonException exception)
        {
            Problem("$", $"the body is not valid JSON (line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1}).");
        }

        return null;
    }

    private List<AlertRef> Alerts(SentList<AlertItem>? list, string space)
    {
        if (list is not { Problem: null, Items: var ids })
        {
            Problem("alertIds", list?.Problem ?? "required: a list of alert ids (the _id of each alert document).");
            return [];
        }

        if (ids.Count == 0)
        {
            Problem("alertIds", "name at least one alert id.");
        }
        else if (ids.Count > limits.MaxAlertIds)
        {
            Problem("alertIds", $"{ids.Count} alert ids; at most {limits.MaxAlertIds} per request. Split the list.");
            return [];
        }

        return ids.Select((item, index) => Alert($"alertIds[{index}]", item, space)).OfType<AlertRef>().ToList();
    }

    private AlertRef? Alert(string path, AlertItem item, string space)
    {
        if (item.Object is not { } alert)
        {
            return Checked(path, item.Text!, InputRules.AlertId) is { } id ? new AlertRef(space, id) : null;
        }

        var itemSpace = Optional(path + ".space", alert.Space, InputRules.SpaceId) ?? space;
        return alert.Id is null ? Invalid<AlertRef>(path, "an alert object needs an \"id\".")
            : Checked(path + ".id", alert.Id, InputRules.AlertId) is { } text ? new AlertRef(itemSpace, text) : null;
    }

    private List<PersonRef> People(string field, SentList<PersonItem>? list)
    {
        if (list?.Problem is { } shape)
        {
            Problem(field, shape);
            return [];
        }

        if (list?.Items.Count > limits.MaxPeople)
        {
            Problem(field, $"{list.Items.Count} people; at most {limits.MaxPeople}.");
            return [];
        }

        return (list?.Items ?? []).Select((item, index) => Person($"{field}[{index}]", item)).OfType<PersonRef>().ToList();
    }

    // A person is a string (namespace:id for a known namespace, an email, or else a Kibana UID) or an
    // object: {"uid"}, {"email"}, or {"namespace","id","email"?}.
    private PersonRef? Person(string path, PersonItem item)
    {
        if (item.Object is not { } person)
        {
            return Checked(path, item.Text!, Line) is { } text ? FromShorthand(path, text) : null;
        }

        if (person.Uid is { } uid)
        {
            return Checked(path + ".uid", uid, InputRules.Uid) is { } u ? PersonRef.ForUid(u) : null;
        }

        if (person.Namespace is { } ns)
        {
            var nsText = Checked(path + ".namespace", ns, Line);
            var id = person.Id is null ? Invalid<string>(path + ".id", "required.")
                : Checked(path + ".id", person.Id, nsText == PersonRef.EmailNamespace ? InputRules.Email : InputRules.ExternalId);
            var email = Optional(path + ".email", person.Email, InputRules.Email);
            if (nsText is null || id is null)
            {
                return null;
            }

            if (!PersonRef.TableNamespaces.Contains(nsText))
            {
                return Invalid<PersonRef>(path + ".namespace", $"unknown namespace '{nsText}'; known: {string.Join(", ", PersonRef.TableNamespaces)}.");
            }

            return nsText == PersonRef.EmailNamespace ? PersonRef.ForEmail(id) : new PersonRef(nsText, id, email);
        }

        if (person.Email is { } onlyEmail)
        {
            return Checked(path + ".email", onlyEmail, InputRules.Email) is { } e ? PersonRef.ForEmail(e) : null;
        }

        return Invalid<PersonRef>(path, "a person object needs \"uid\", \"email\", or \"namespace\" with \"id\".");
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
                return id.Length == 0 ? Invalid<PersonRef>(path, "'uid:' needs a UID after it.")
                    : Checked(path, id, InputRules.Uid) is { } uid ? PersonRef.ForUid(uid) : null;
            }

            if (PersonRef.TableNamespaces.Contains(ns))
            {
                return id.Length == 0 ? Invalid<PersonRef>(path, $"'{ns}:' needs an id after it.")
                    : ns == PersonRef.EmailNamespace ? (Checked(path, id, InputRules.Email) is { } email ? PersonRef.ForEmail(email) : null)
                    : Checked(path, id, InputRules.ExternalId) is { } external ? new PersonRef(ns, external) : null;
            }
        }

        return text.Contains('@', StringComparison.Ordinal)
            ? (Checked(path, text, InputRules.Email) is { } address ? PersonRef.ForEmail(address) : null)
            : Checked(path, text, InputRules.Uid) is { } plain ? PersonRef.ForUid(plain) : null;
    }

    /// <summary>Any other single-line value (a namespace, a reference, who asked): the identifier rule at its usual bound.</summary>
    private static string? Line(string field, string? value) => InputRules.Identifier(field, value, InputRules.MaxIdentifierLength);

    /// <summary>A value that may be left out (null), else held to its rule.</summary>
    private string? Optional(string path, SentText? text, Func<string, string?, string?> rule) => text is null ? null : Checked(path, text, rule);

    /// <summary>A string as sent, or the problem of what was sent instead.</summary>
    private string? Checked(string path, SentText text, Func<string, string?, string?> rule) =>
        text.Problem is { } shape ? Invalid<string>(path, shape) : Checked(path, text.Value!, rule);

    /// <summary>A string held to one of <see cref="InputRules"/>; its problem is recorded under the path, which it names.</summary>
    private string? Checked(string path, string text, Func<string, string?, string?> rule) =>
        rule(path, text) is { } problem ? Invalid<string>(path, problem + ".") : text;

    /// <summary>Records the problem under its path (at most <see cref="MaxProblems"/> in all) and stands for the value it leaves out.</summary>
    private T? Invalid<T>(string path, string message)
        where T : class
    {
        if (_problems.Values.Sum(v => v.Count) < MaxProblems)
        {
            if (!_problems.TryGetValue(path, out var list))
            {
                _problems[path] = list = [];
            }

            list.Add(message);
        }

        return null;
    }

    private void Problem(string path, string message) => Invalid<string>(path, message);
}

using System.Text.Json.Serialization;
using System.Text.Json;
using System.Text;
using AssignBridge.Platform.Storage;
using AssignBridge.Platform.Validation;
using nietras.SeparatedValues;

namespace AssignBridge.People;

/// <summary>A row of a JSON import file (the field names are a contract: scripts/dev.sh and users' files rely on them).</summary>
internal sealed record PersonRow(
    [property: JsonPropertyName("namespace")] string? Namespace,
    [property: JsonPropertyName("externalId")] string? ExternalId,
    [property: JsonPropertyName("kibanaUid")] string? KibanaUid,
    [property: JsonPropertyName("displayName")] string? DisplayName,
    [property: JsonPropertyName("email")] string? Email = null);

internal enum PeopleFileFormat
{
    Json,
    Csv,
}

/// <summary>One mapping to write: a row of the table as an import file asks for it.</summary>
/// <param name="Location">Where it came from, for messages: "line 7" (CSV) or "item 3" (JSON).</param>
internal sealed record PersonMapping(string Namespace, string ExternalId, string KibanaUid, string? DisplayName, string Location)
{
    public string RowKey => RowKeys.Encode(ExternalId);
}

/// <summary>A row of an import file that cannot be imported, and why.</summary>
internal sealed record InvalidRow(string Location, string Problem);

/// <summary>What an import file holds: the mappings to write (each key once), the invalid rows, and how many rows repeated an earlier one exactly.</summary>
internal sealed record PeopleFileContent(IReadOnlyList<PersonMapping> Mappings, IReadOnlyList<InvalidRow> Invalid, int Duplicates, int Rows);

// Reads import files: CSV (RFC 4180: quoted fields with embedded commas, quotes and newlines; CRLF or LF; a UTF-8
// BOM; empty lines skipped; an optional header row) or a JSON array of PersonRow. Columns, in this order
// unless a header names them: namespace, external id, email, Kibana UID, display name. A row with an email on another
// namespace than email also yields the email row for the same UID.
internal static class PeopleFile
{
    private static readonly string[] DefaultColumns = ["namespace", "externalid", "email", "kibanauid", "displayname"];

    public static PeopleFileFormat GuessFormat(string fileName, ReadOnlySpan<byte> start)
    {
        if (fileName.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            return PeopleFileFormat.Json;
        }

        if (fileName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            return PeopleFileFormat.Csv;
        }

        var text = start.StartsWith("\uFEFF"u8) ? start[3..] : start;
        var first = text.TrimStart(" \t\r\n"u8);
        return first.Length > 0 && first[0] == (byte)'[' ? PeopleFileFormat.Json : PeopleFileFormat.Csv;
    }

    public static PeopleFileContent Read(ReadOnlySpan<byte> content, PeopleFileFormat format) =>
        format == PeopleFileFormat.Json ? ReadJson(content) : ReadCsv(DecodeText(content));

    public static PeopleFileContent ReadJson(ReadOnlySpan<byte> content)
    {
        List<PersonRow>? rows;
        try
        {
            rows = JsonSerializer.Deserialize(content.StartsWith("\uFEFF"u8) ? content[3..] : content, PeopleJsonContext.Default.ListPersonRow);
        }
        catch (JsonException exception)
        {
            var line = exception.LineNumber is { } n ? $"line {n + 1}" : "the file";
            return new PeopleFileContent([], [new InvalidRow(line, $"not a JSON array of people (JSON error at {exception.Path}): each item an object with namespace, externalId and kibanaUid (docs/operations.md, \"The mapping table\").")], 0, 0);
        }

        var builder = new Builder();
        for (var i = 0; i < (rows?.Count ?? 0); i++)
        {
            PersonRow? row = rows![i];
            var location = $"item {i + 1}";
            if (row is null)
            {
                builder.Invalid(location, "not an object");
                continue;
            }

            builder.Add(location, row.Namespace, row.ExternalId, row.Email, row.KibanaUid, row.DisplayName);
        }

        return builder.Build();
    }

    public static PeopleFileContent ReadCsv(string text)
    {
        var builder = new Builder();
        int[]? columns = null;
        foreach (var (line, fields) in ParseCsv(text))
        {
            if (fields.All(f => f.Length == 0))
            {
                continue;
            }

            if (columns is null)
            {
                columns = HeaderColumns(fields);
                if (columns is not null)
                {
                    continue;
                }

                columns = [0, 1, 2, 3, 4];
            }

            string? Field(int column) => columns[column] >= 0 && columns[column] < fields.Count ? fields[columns[column]] : null;
            builder.Add($"line {line}", Field(0), Field(1), Field(2), Field(3), Field(4));
        }

        return builder.Build();
    }

    // Splits CSV text into records (read by Sep: a quote pairs with the next one wherever it stands); each record
    // carries the line it starts on (1-based; CRLF, LF and CR each end a line, inside quotes too).
    public static IEnumerable<(int Line, List<string> Fields)> ParseCsv(string text)
    {
        // Comma only (never inferred), rows of any length; a record of an empty line is one empty field.
        var reader = Sep.New(',').Reader(o => o with { HasHeader = false, DisableColCountCheck = true })
            .FromText(text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text);
        return Records(reader);

        static IEnumerable<(int Line, List<string> Fields)> Records(SepReader reader)
        {
            using (reader)
            {
                foreach (var record in reader.Enumerate(row =>
                {
                    var fields = new List<string>(row.ColCount);
                    for (var i = 0; i < row.ColCount; i++)
                    {
                        fields.Add(Finish(row[i].Span));
                    }

                    // The first record starts on line 1; Sep 0.17 reports its last line as LineNumberFrom.
                    return (row.RowIndex == 0 ? 1 : row.LineNumberFrom, fields);
                }))
                {
                    yield return record;
                }
            }
        }
    }

    // Sep's own unescape and trim fit only in part: they trim spaces but not tabs, and drop blanks after a closing quote.
    // One field as written: unquoted fields lose surrounding blanks and tabs ("a, b"); a field whose first other
    // character is a quote is unquoted ("" for a quote) and the rest kept exactly as written.
    private static string Finish(ReadOnlySpan<char> raw)
    {
        var field = raw.TrimStart();
        if (field.IsEmpty || field[0] != '"')
        {
            return raw.Trim(" \t").ToString();
        }

        var value = new StringBuilder(field.Length);
        var i = 1;
        for (; i < field.Length; i++)
        {
            if (field[i] != '"')
            {
                value.Append(field[i]);
            }
            else if (i + 1 < field.Length && field[i + 1] == '"')
            {
                value.Append('"');
                i++;
            }
            else
            {
                i++;
                break;
            }
        }

        return value.Append(field[i..]).ToString();
    }

    /// <summary>Validates one mapping by <see cref="InputRules"/> (as every way in does); returns the normalized mapping or the problem.</summary>
    /// <param name="idField">What to call the id in a problem: "external id", or "email" for the row an email column yields.</param>
    public static (PersonMapping? Mapping, string? Problem) Validate(string location, string? ns, string? externalId, string? uid, string? displayName, string idField = "external id")
    {
        ns = ns?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(ns))
        {
            return (null, "namespace is missing");
        }

        if (!PersonRef.TableNamespaces.Contains(ns))
        {
            return (null, $"unknown namespace '{ns}' (expected one of {string.Join(", ", PersonRef.TableNamespaces)})");
        }

        if (InputRules.ExternalId(idField, externalId) is { } idProblem)
        {
            return (null, idProblem);
        }

        var id = ns == PersonRef.EmailNamespace ? PersonRef.NormalizeEmail(externalId!) : externalId!;
        if (ns == PersonRef.EmailNamespace && InputRules.Email(idField, id) is { } emailProblem)
        {
            return (null, emailProblem);
        }

        if (InputRules.Uid("Kibana UID", uid) is { } uidProblem)
        {
            return (null, uidProblem);
        }

        if (InputRules.DisplayText("display name", displayName) is { } nameProblem)
        {
            return (null, nameProblem);
        }

        var name = string.IsNullOrWhiteSpace(displayName) ? null : displayName.Trim();
        return (new PersonMapping(ns, id, uid!, name, location), null);
    }

    private static string DecodeText(ReadOnlySpan<byte> content) =>
        Encoding.UTF8.GetString(content.StartsWith("\uFEFF"u8) ? content[3..] : content);

    /// <summary>Column positions (namespace, external id, email, UID, display name) when the row is a header, else null.</summary>
    private static int[]? HeaderColumns(List<string> fields)
    {
        var names = fields.Select(f => new string([.. f.Where(char.IsLetterOrDigit)]).ToLowerInvariant()).ToList();
        if (names.Count == 0 || names[0] != "namespace" && !names.Contains("namespace"))
        {
            return null;
        }

        return [.. DefaultColumns.Select(column => names.FindIndex(n => n == column || n == Alias(column)))];

        static string Alias(string column) => column switch
        {
            "externalid" => "id",
            "kibanauid" => "uid",
            "displayname" => "name",
            _ => column,
        };
    }

    /// <summary>Turns raw rows into mappings: validates, derives email rows, and folds repeated keys.</summary>
    private sealed class Builder
    {
        private readonly Dictionary<(string Namespace, string Id), PersonMapping> _byKey = [];
        private readonly List<PersonMapping> _mappings = [];
        private readonly List<InvalidRow> _invalid = [];
        private int _duplicates;
        private int _rows;

        public void Invalid(string location, string problem)
        {
            _rows++;
            _invalid.Add(new InvalidRow(location, problem));
        }

        public void Add(string location, string? ns, string? externalId, string? email, string? uid, string? displayName)
        {
            _rows++;
            var (mapping, problem) = Validate(location, ns, externalId, uid, displayName);
            if (mapping is null)
            {
                _invalid.Add(new InvalidRow(location, problem!));
                return;
            }

            var rows = new List<PersonMapping> { mapping };
            if (!string.IsNullOrWhiteSpace(email) && mapping.Namespace != PersonRef.EmailNamespace)
            {
                var (byEmail, emailProblem) = Validate(location, PersonRef.EmailNamespace, email.Trim(), uid, displayName, idField: "email");
                if (byEmail is null)
                {
                    _invalid.Add(new InvalidRow(location, $"email: {emailProblem}"));
                    return;
                }

                rows.Add(byEmail);
            }

            // A key given twice with the same values is a harmless repeat; with other values it is a conflict, and the
            // whole later row is refused so that nothing of it is half-applied.
            var repeats = 0;
            foreach (var row in rows)
            {
                if (_byKey.TryGetValue((row.Namespace, row.ExternalId), out var earlier))
                {
                    if (earlier.KibanaUid != row.KibanaUid || (row.DisplayName is not null && earlier.DisplayName != row.DisplayName))
                    {
                        _invalid.Add(new InvalidRow(location, $"{row.Namespace}:{row.ExternalId} maps to '{row.KibanaUid}' here but to '{earlier.KibanaUid}' ({earlier.DisplayName}) on {earlier.Location}"));
                        return;
                    }

                    repeats++;
                }
            }

            if (repeats == rows.Count)
            {
                _duplicates++;
                return;
            }

            foreach (var row in rows.Where(r => !_byKey.ContainsKey((r.Namespace, r.ExternalId))))
            {
                _byKey[(row.Namespace, row.ExternalId)] = row;
                _mappings.Add(row);
            }
        }

        public PeopleFileContent Build() => new(_mappings, _invalid, _duplicates, _rows);
    }
}

[JsonSerializable(typeof(List<PersonRow>))]
[JsonSourceGenerationOptions(ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class PeopleJsonContext : JsonSerializerContext;

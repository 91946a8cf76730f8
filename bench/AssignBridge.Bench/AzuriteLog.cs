using System.Text.RegularExpressions;

namespace AssignBridge.Bench;

/// <summary>The requests in Azurite's debug log, in the order received, each with the table (or queue) it went to.</summary>
internal static partial class AzuriteLog
{
    public static IReadOnlyList<(string Id, string Method, string Table)> Requests(string path)
    {
        // Each request logs "…StorageContextMiddleware: RequestMethod=M RequestURL=…/devstoreaccount1/<name>…" under its
        // own id; a table batch's URL is "$batch" and its "Raw request string" line names the table of its operations.
        var requests = new List<(string Id, string Method, string Table)>();
        var batchTables = new Dictionary<string, string>(StringComparer.Ordinal);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            if (RequestLine().Match(line) is { Success: true } request)
            {
                requests.Add((request.Groups["id"].Value, request.Groups["method"].Value, request.Groups["name"].Value));
            }
            else if (line.Contains("batch() Raw request string", StringComparison.Ordinal) && BatchTable().Match(line) is { Success: true } batch)
            {
                batchTables[IdOf(line)] = batch.Groups["name"].Value;
            }
        }

        return [.. requests.Select(r => r.Table == "$batch" && batchTables.TryGetValue(r.Id, out var table) ? r with { Table = table } : r)];
    }

    private static string IdOf(string line) => line.Split(' ', 3) is [_, var id, _] ? id : "";

    [GeneratedRegex(@"^\S+ (?<id>\S+) info: \w*StorageContextMiddleware: RequestMethod=(?<method>\w+) RequestURL=\S*?/devstoreaccount1/(?<name>[^/?(\s]+)")]
    private static partial Regex RequestLine();

    [GeneratedRegex(@"/devstoreaccount1/(?<name>[A-Za-z0-9]+)\(")]
    private static partial Regex BatchTable();
}

using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace AssignBridge.Bench;

/// <summary>
/// Writes the rows of results.json as Markdown between perf-table markers: every row into docs/performance.md, the
/// headline rows (<see cref="Headline"/>) into the README. Never copied by hand.
/// </summary>
internal static class ResultTables
{
    private const string Start = "<!-- perf-table:start -->";
    private const string End = "<!-- perf-table:end -->";

    /// <summary>The README's rows: one per target of the performance work, as scenario and metric.</summary>
    private static readonly (string Scenario, string Metric)[] Headline =
    [
        ("warm c=8, Kibana 80 ms parallel", "throughput (req/s)"),
        ("warm c=8, Kibana 80 ms parallel", "p99 latency (ms)"),
        ("warm c=32, Kibana 80 ms one at a time", "throughput (req/s)"),
        ("warm c=32, Kibana 80 ms one at a time", "p99 latency (ms)"),
        ("warm c=8", "bridge CPU ms per delivery vs the simulator's (with the load client) per direct request"),
        ("storage", "requests per delivery a delivery waits for (journal table)"),
        ("burst 1000", "Kibana calls (vs one per delivery)"),
        ("burst 1000", "deliveries not applied within Jira's 5 s inline deadline"),
        ("backlog 5000", "Kibana's return to all applied in the journal (s)"),
        ("backlog 5000", "Kibana calls after its return (vs direct)"),
        ("cold r2r", "first delivery applied (ms)"),
        ("cold worker r2r", "first delivery applied (ms) vs the empty worker app's first 200"),
        ("memory", "peak RSS during burst (MiB)"),
    ];

    /// <param name="fullPath">The file that gets every row (docs/performance.md).</param>
    /// <param name="headlinePath">The file that gets the headline rows (README.md), or null.</param>
    public static async Task WriteAsync(string resultsPath, string fullPath, string? headlinePath)
    {
        var results = JsonNode.Parse(await File.ReadAllTextAsync(resultsPath))!.AsObject();
        var rows = results["results"]!.AsArray().Select(r => r!.AsObject()).ToList();
        await ReplaceAsync(fullPath, Table(results, rows));
        if (headlinePath is not null)
        {
            var headline = Headline.SelectMany(h => rows.Where(r => r["scenario"]!.GetValue<string>() == h.Scenario && r["metric"]!.GetValue<string>() == h.Metric).Take(1)).ToList();
            await ReplaceAsync(headlinePath, Table(results, headline));
        }
    }

    private static string Table(JsonObject results, IEnumerable<JsonObject> rows)
    {
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"Measured {results["measuredAt"]!.GetValue<string>()[..10]} on {results["cores"]} cores, .NET {results["runtime"]}{(results["quick"]!.GetValue<bool>() ? " (--quick)" : "")}; written by `scripts/bench.sh` from `artifacts/bench/results.json`.");
        table.AppendLine();
        table.AppendLine("| scenario | metric | bridge | baseline | ratio | target | met |");
        table.AppendLine("| --- | --- | ---: | ---: | ---: | --- | --- |");
        foreach (var row in rows)
        {
            var met = row["met"]?.GetValue<bool>() switch { true => "yes", false => "**no**", null => "" };
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {row["scenario"]} | {row["metric"]} | {Format(row["value"])} | {Format(row["baseline"])} | {(row["ratio"] is { } ratio ? ratio.GetValue<double>().ToString("0.00", CultureInfo.InvariantCulture) + "x" : "")} | {row["target"]} | {met} |");
        }

        return table.ToString();
    }

    private static async Task ReplaceAsync(string path, string table)
    {
        var text = await File.ReadAllTextAsync(path);
        var (from, to) = (text.IndexOf(Start, StringComparison.Ordinal), text.IndexOf(End, StringComparison.Ordinal));
        if (from < 0 || to < from)
        {
            throw new InvalidOperationException($"{path} has no {Start} … {End} markers.");
        }

        await File.WriteAllTextAsync(path, string.Concat(text.AsSpan(0, from + Start.Length), "\n", table, text.AsSpan(to)));
        Console.WriteLine($"Wrote the performance table of {path}");
    }

    private static string Format(JsonNode? node)
    {
        if (node is null)
        {
            return "";
        }

        var value = node.GetValue<double>();
        return value >= 100 || value == Math.Floor(value) ? value.ToString("0", CultureInfo.InvariantCulture) : value.ToString("0.00", CultureInfo.InvariantCulture);
    }
}

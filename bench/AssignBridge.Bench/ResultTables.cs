using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace AssignBridge.Bench;

/// <summary>Writes the rows of results.json as the Markdown table between the README's perf-table markers.</summary>
internal static class ReadmeTable
{
    private const string Start = "<!-- perf-table:start -->";
    private const string End = "<!-- perf-table:end -->";

    public static async Task WriteAsync(string resultsPath, string readmePath)
    {
        var results = JsonNode.Parse(await File.ReadAllTextAsync(resultsPath))!.AsObject();
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"Measured {results["measuredAt"]!.GetValue<string>()[..10]} on {results["cores"]} cores, .NET {results["runtime"]}{(results["quick"]!.GetValue<bool>() ? " (--quick)" : "")}; written by `scripts/bench.sh` from `artifacts/bench/results.json`.");
        table.AppendLine();
        table.AppendLine("| scenario | metric | bridge | baseline | ratio | target | met |");
        table.AppendLine("| --- | --- | ---: | ---: | ---: | --- | --- |");
        foreach (var row in results["results"]!.AsArray().Select(r => r!.AsObject()))
        {
            var met = row["met"]?.GetValue<bool>() switch { true => "yes", false => "**no**", null => "" };
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {row["scenario"]} | {row["metric"]} | {Format(row["value"])} | {Format(row["baseline"])} | {(row["ratio"] is { } ratio ? ratio.GetValue<double>().ToString("0.00", CultureInfo.InvariantCulture) + "x" : "")} | {row["target"]} | {met} |");
        }

        var readme = await File.ReadAllTextAsync(readmePath);
        var (from, to) = (readme.IndexOf(Start, StringComparison.Ordinal), readme.IndexOf(End, StringComparison.Ordinal));
        if (from < 0 || to < from)
        {
            throw new InvalidOperationException($"{readmePath} has no {Start} … {End} markers.");
        }

        await File.WriteAllTextAsync(readmePath, string.Concat(readme.AsSpan(0, from + Start.Length), "\n", table.ToString(), readme.AsSpan(to)));
        Console.WriteLine($"Wrote the Performance table of {readmePath} from {resultsPath}");
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

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using AssignBridge.IntegrationTests.Infrastructure;
using AssignBridge.Platform.Storage;
using Azure.Data.Tables;
using Azure;
using CsCheck;
using Xunit.Abstractions;

namespace AssignBridge.IntegrationTests.Properties;

/// <summary>Which 5xx answers a route documents; any other 5xx breaks the property.</summary>
internal enum ServerErrors
{
    /// <summary>Only 503 with Retry-After (the journal or storage could not be written).</summary>
    RetryableOnly,

    /// <summary>Also the 502 (and 503) the assignments API documents for a Kibana failure, which carries <c>kibanaStatus</c>.</summary>
    KibanaFailures,
}

/// <summary>
/// The two properties every way in must keep, run over one bridge: (1) no generated request gets a 5xx other than the
/// documented ones, nor exception text in the body; (2) after the batch and one reconcile run, every journal row is
/// <c>applied</c>, <c>rejected</c>, <c>retrying</c> or <c>dead</c>, and each delivery the bridge accepted is among them.
/// </summary>
internal sealed class IngressProperty(BridgeHarness bridge, ITestOutputHelper output)
{
    public const int Threads = 4;

    private static readonly string[] StackMarkers = ["   at ", "Exception:", "Exception was thrown", ".cs:line", "System.Text.Json", "System.InvalidOperation", "System.Argument", "Microsoft.AspNetCore", "Azure.RequestFailed"];
    private static readonly string[] Finished = ["applied", "rejected", "retrying", "dead"];

    private readonly ConcurrentBag<(string Source, string DeliveryId)> _accepted = [];
    private int _cases;

    public ConcurrentDictionary<int, int> Statuses { get; } = new();

    /// <summary>A client that sends header values as Latin-1, so hostile header values reach the bridge rather than failing in the client.</summary>
    public static HttpClient NewClient(BridgeHarness bridge, string? bearer = BridgeHarness.Token)
    {
        var client = new HttpClient(new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.Latin1 }) { BaseAddress = bridge.Client.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    /// <summary>What a header can carry: no line breaks or NUL, one byte per character.</summary>
    public static string HeaderSafe(string value) => new([.. value.Where(c => c is '\t' or (>= ' ' and <= '\u00ff') && c != '\u007f')]);

    /// <summary>Checks one answer; throws (so the case shrinks) when it breaks property (1). Returns the body.</summary>
    public async Task<string> AnswerAsync(HttpResponseMessage response, string route, ServerErrors allowed = ServerErrors.RetryableOnly)
    {
        Interlocked.Increment(ref _cases);
        var status = (int)response.StatusCode;
        Statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
        var body = await response.Content.ReadAsStringAsync();
        if (status >= 500)
        {
            var documented = (status == 503 && response.Headers.RetryAfter is not null)
                || (allowed == ServerErrors.KibanaFailures && status is 502 or 503 && body.Contains("\"kibanaStatus\"", StringComparison.Ordinal));
            if (!documented)
            {
                throw new InvalidOperationException($"{route} answered {status.ToString(CultureInfo.InvariantCulture)} (retry-after: {response.Headers.RetryAfter?.ToString() ?? "none"}): {Hostile.Show(body)}");
            }
        }

        if (StackMarkers.FirstOrDefault(m => body.Contains(m, StringComparison.Ordinal)) is { } marker)
        {
            throw new InvalidOperationException($"{route} answered {status.ToString(CultureInfo.InvariantCulture)} with exception text ('{marker}'): {Hostile.Show(body)}");
        }

        return body;
    }

    /// <summary>Remembers a delivery the bridge said it journaled, to find it in the journal after reconciliation.</summary>
    public void Accepted(string source, string deliveryId) => _accepted.Add((source, deliveryId));

    /// <summary>
    /// Runs the generated cases (property 1 inside each), then one reconcile run and the journal check (property 2).
    /// A failure of either is reported with CsCheck's minimal case and seed, and the journal rows left unfinished.
    /// </summary>
    public async Task RunAsync<T>(Gen<T> gen, Func<T, Task> send, int iter, string? seed = null, Func<T, string>? print = null)
    {
        var watch = Stopwatch.StartNew();
        Exception? failed = null;
        try
        {
            await gen.SampleAsync(send, writeLine: output.WriteLine, seed: seed, iter: iter, threads: Threads, print: print);
        }
        catch (Exception exception)
        {
            failed = exception;
        }

        await FinishAsync(failed, watch);
    }

    /// <summary>One request (a case the properties found), then the same checks as after a batch.</summary>
    public async Task RunOnceAsync(Func<Task> send)
    {
        var watch = Stopwatch.StartNew();
        Exception? failed = null;
        try
        {
            await send();
        }
        catch (Exception exception)
        {
            failed = exception;
        }

        await FinishAsync(failed, watch);
    }

    private async Task FinishAsync(Exception? failed, Stopwatch watch)
    {
        var sent = watch.Elapsed;
        var unfinished = await UnfinishedAfterReconcileAsync();
        var journal = (await RowsAsync()).GroupBy(r => r.GetString("Status")).Select(g => $"{g.Key} {g.Count().ToString(CultureInfo.InvariantCulture)}");
        output.WriteLine("journal after reconcile: " + string.Join(", ", journal));
        output.WriteLine($"{_cases.ToString(CultureInfo.InvariantCulture)} requests in {sent.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s, statuses {string.Join(", ", Statuses.OrderBy(s => s.Key).Select(s => $"{s.Key.ToString(CultureInfo.InvariantCulture)}×{s.Value.ToString(CultureInfo.InvariantCulture)}"))}; {_accepted.Count.ToString(CultureInfo.InvariantCulture)} journaled; whole run {watch.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s");
        var problems = new List<string>();
        if (failed is not null)
        {
            problems.Add("Property 1 (no undocumented 5xx, no exception text) failed:\n" + Hostile.Show(failed.Message, 6_000) + "\n" + (failed.InnerException?.Message ?? string.Empty));
        }

        if (unfinished.Count > 0)
        {
            problems.Add($"Property 2 (every journaled delivery finished after one reconcile run) failed for {unfinished.Count.ToString(CultureInfo.InvariantCulture)} rows:\n" + string.Join('\n', unfinished.Take(20)));
        }

        // Every distinct unhandled exception of the batch (CsCheck reports only the smallest failing case), by type,
        // message and the first frame in the bridge's code.
        foreach (var failure in DistinctFailures())
        {
            problems.Add("Logged: " + failure);
        }

        Assert.True(problems.Count == 0, string.Join("\n\n", problems));
    }

    /// <summary>One reconcile run, then what the journal holds that is not finished.</summary>
    /// <remarks>
    /// Nothing needs waiting for first: every answer is sent after its inline attempt wrote its outcome (a cut-off attempt
    /// too), so once all answers are in, a row still <c>pending</c> is one whose outcome was lost.
    /// </remarks>
    public async Task<List<string>> UnfinishedAfterReconcileAsync()
    {
        var report = await bridge.ReconcileAsync();
        var problems = new List<string>();
        if (report["ran"]?.GetValue<bool>() != true)
        {
            problems.Add($"reconcile did not run: {Hostile.Show(report.ToJsonString())}");
        }

        var rows = await RowsAsync();
        foreach (var row in rows.Where(r => !Finished.Contains(r.GetString("Status"))))
        {
            problems.Add($"{row.PartitionKey}/{Hostile.Show(RowKeys.Decode(row.RowKey), 120)}: status '{row.GetString("Status")}', attempts {row.GetInt32("Attempts")?.ToString(CultureInfo.InvariantCulture) ?? "?"}, last error {Hostile.Show(row.GetString("LastError") ?? "none", 200)}, claimed until {row.GetDateTimeOffset("ClaimedUntil")?.ToString("O", CultureInfo.InvariantCulture) ?? "?"} (now {DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)}), intent of {row.Keys.Count(k => k.StartsWith("Intent", StringComparison.Ordinal)).ToString(CultureInfo.InvariantCulture)} chunks");
        }

        var keys = rows.Select(r => (r.PartitionKey, r.RowKey)).ToHashSet();
        foreach (var (source, id) in _accepted.Distinct())
        {
            if (!keys.Contains((RowKeys.Encode(source), RowKeys.Encode(id))))
            {
                problems.Add($"{source}/{Hostile.Show(id, 120)}: answered as journaled but not in the journal");
            }
        }

        return problems;
    }

    private IEnumerable<string> DistinctFailures() => bridge.Logs.Lines
        .Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal))
        .Select(l =>
        {
            var lines = l.Split('\n');
            var exception = lines[0][(lines[0].LastIndexOf(" | ", StringComparison.Ordinal) + 3)..];
            exception = exception.Length > 0 ? exception : lines[0]; // an error logged without an exception: its message
            var frame = lines.FirstOrDefault(f => f.TrimStart().StartsWith("at AssignBridge.", StringComparison.Ordinal))?.Trim() ?? string.Empty;
            return (Key: System.Text.RegularExpressions.Regex.Replace(exception, "'[^']*'|\\d+", "…") + " " + frame, Line: Hostile.Show(exception, 300) + " " + frame);
        })
        .GroupBy(f => f.Key)
        .Select(g => $"{g.Count().ToString(CultureInfo.InvariantCulture)}× {g.First().Line}")
        .Take(10);

    private async Task<List<TableEntity>> RowsAsync()
    {
        var rows = new List<TableEntity>();
        try
        {
            await foreach (var row in bridge.JournalTable.QueryAsync<TableEntity>(filter: "PartitionKey ne '$lease' and (RowKey lt '%ticket|' or RowKey ge '%ticket}')")) // deliveries, not tickets' newest-event rows
            {
                rows.Add(row);
            }
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            // The bridge creates its journal on first use: no table, no rows.
        }

        return rows;
    }
}

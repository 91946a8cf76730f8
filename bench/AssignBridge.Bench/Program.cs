using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AssignBridge.Bench;
using Azure.Data.Tables;
using KibanaSimulator;

// scripts/bench.sh publishes the packages and runs this. Arguments: --packages <dir> --out <results.json> [--quick]
// [--only load,backlog,cold] [--skip load,backlog,cold]. Each package is started standalone (ChildApp.cs).
if (args.Contains("--tables"))
{
    // scripts/bench.sh's last step: the tables of docs/performance.md and the README, written from results.json (never copied by hand).
    string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
    await ResultTables.WriteAsync(Arg("--results")!, Arg("--tables")!, Arg("--headline"));
    return 0;
}

var options = Arguments.Parse(args);
var report = new Report();
Console.WriteLine($"AssignBridge bench: {Environment.ProcessorCount} cores, .NET {Environment.Version}, packages in {options.Packages}{(options.Quick ? ", quick" : "")}");

await using var azurite = await Azurite.StartAsync(options.Root);
var simulatorOptions = new SimulatorOptions();
simulatorOptions.ApiKeys.Add(Traffic.KibanaKey);
await using var kibana = await RunningSimulator.StartAsync(simulatorOptions);
var traffic = new Traffic(kibana.BaseAddress);

var settings = new Dictionary<string, string>
{
    ["Kibana__Url"] = kibana.BaseAddress.ToString(),
    ["Kibana__ApiKey"] = Traffic.KibanaKey,
    ["Storage__ConnectionString"] = azurite.ConnectionString,
    ["People__TableName"] = "benchpeople",
    ["Journal__TableName"] = "benchjournal",
    ["Journal__ManagedTableName"] = "benchmanaged",
    ["Audit__TableName"] = "benchaudit",
    ["Jira__Secrets__0"] = Traffic.JiraSecret,
    ["Jira__AlertField"] = Traffic.AlertField,
    ["Assignments__Tokens__0"] = Traffic.AssignmentsToken,
    ["Reconcile__Enabled"] = "false",
    ["Telemetry__StartupCheck"] = "false",
    // Console logging of every delivery would measure the terminal; the Functions host keeps Information and above.
    ["Logging__LogLevel__Default"] = "Warning",
};

// BENCH_BRIDGE_<NAME>=<value> in the bench's environment reaches the bridge as <NAME>=<value>, to try a runtime knob.
foreach (var (name, value) in Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
    .Select(e => ((string)e.Key, (string?)e.Value ?? "")).Where(e => e.Item1.StartsWith("BENCH_BRIDGE_", StringComparison.Ordinal)))
{
    settings[name["BENCH_BRIDGE_".Length..]] = value;
}

await MapPeopleAsync(azurite);

// The bridge's settings over another storage emulator (the people mapped there too).
async Task<Dictionary<string, string>> OnStorageAsync(Azurite storage)
{
    await MapPeopleAsync(storage);
    return new Dictionary<string, string>(settings) { ["Storage__ConnectionString"] = storage.ConnectionString };
}

var alertNumber = 0;
string NewAlert()
{
    var id = $"bench-alert-{Interlocked.Increment(ref alertNumber)}";
    kibana.State.SeedAlert("default", id);
    return id;
}

int AssigneeCalls() => kibana.State.Requests.Count(r => r.Path.EndsWith("/signals/assignees", StringComparison.Ordinal));

var bridgeExe = Path.Combine(options.Packages, "bridge-r2r", "AssignBridge");

// 1, 3 and 4: warm overhead and the burst, with the peak RSS of each phase.
if (options.Runs("load"))
{
    await using var bridge = ChildApp.Start(bridgeExe, settings);
    using var http = Traffic.Client(64);
    await bridge.WaitUntilAnsweringAsync(http);
    // Long enough for tiered compilation to finish: after 300 deliveries a profile still showed the JIT taking a fifth
    // of the machine, so the figures measured compilation rather than the bridge.
    var warmup = options.Quick ? 300 : 3000;
    await Load.ClosedLoopAsync(8, warmup, _ => Traffic.PostJiraAsync(http, bridge.Address, NewAlert()));
    await Load.ClosedLoopAsync(8, warmup, _ => traffic.PostDirectAsync(http, NewAlert()));
    bridge.ResetPeakRss();

    // Azurite's in-memory store spends more CPU per request as its tables grow, which Table Storage does not do: each
    // measurement starts from empty delivery tables, deleted here and recreated by the bridge (it does so when storage
    // says a table is gone) during a short warm-up.
    async Task FreshTablesAsync()
    {
        var service = new TableServiceClient(azurite.ConnectionString);
        foreach (var table in new[] { "benchjournal", "benchmanaged", "benchaudit" })
        {
            await service.DeleteTableAsync(table);
        }

        await Load.ClosedLoopAsync(1, 20, _ => Traffic.PostJiraAsync(http, bridge.Address, NewAlert()));
        await Load.ClosedLoopAsync(8, 200, _ => Traffic.PostJiraAsync(http, bridge.Address, NewAlert()));
        Traffic.NotApplied.Clear(); // the first deliveries after the deletion may meet a missing table; they are not measured
    }

    foreach (var concurrency in new[] { 1, 8, 32 })
    {
        await FreshTablesAsync();
        var total = options.Quick ? 200 : concurrency == 1 ? 500 : 2000;
        var ids = Enumerable.Range(0, total).Select(_ => NewAlert()).ToArray();
        var benchCpu = ProcStat.CpuMilliseconds(Environment.ProcessId);
        var direct = await Load.ClosedLoopAsync(concurrency, total, i => traffic.PostDirectAsync(http, ids[i]));
        benchCpu = (ProcStat.CpuMilliseconds(Environment.ProcessId) - benchCpu) / total;
        ids = [.. Enumerable.Range(0, total).Select(_ => NewAlert())];
        var callsBefore = AssigneeCalls();
        var (bridgeCpu, azuriteCpu) = (ProcStat.CpuMilliseconds(bridge.ProcessId), ProcStat.CpuMilliseconds(azurite.ProcessId));
        var through = await Load.ClosedLoopAsync(concurrency, total, i => Traffic.PostJiraAsync(http, bridge.Address, ids[i]));
        var calls = AssigneeCalls() - callsBefore;
        bridgeCpu = (ProcStat.CpuMilliseconds(bridge.ProcessId) - bridgeCpu) / total;
        azuriteCpu = (ProcStat.CpuMilliseconds(azurite.ProcessId) - azuriteCpu) / total;
        var scenario = $"warm c={concurrency}";
        Console.WriteLine($"  {scenario}: bridge {through.Throughput:0}/s p50 {through.P50Ms:0.0} p99 {through.P99Ms:0.0} ms ({through.Failed} not applied, {calls} Kibana calls); direct {direct.Throughput:0}/s p50 {direct.P50Ms:0.00} p99 {direct.P99Ms:0.00} ms");
        report.Add(scenario, "throughput (req/s)", through.Throughput, direct.Throughput, ">= 0.5x", r => r >= 0.5);
        report.Add(scenario, "p50 latency (ms)", through.P50Ms, direct.P50Ms, null, null);
        report.Add(scenario, "p99 latency (ms)", through.P99Ms, direct.P99Ms, "<= 3x", r => r <= 3);
        report.Add(scenario, "Kibana calls / deliveries", calls, total, null, null);
        report.Add(scenario, "deliveries not applied", through.Failed, 0, "0", _ => through.Failed == 0, ratio: false);
        report.Add(scenario, "CPU ms per delivery: bridge / Azurite", bridgeCpu, azuriteCpu, null, null);
        // The simulator runs in this process with the load client, so its CPU per direct request is at most this.
        report.Add(scenario, "bridge CPU ms per delivery vs the simulator's (with the load client) per direct request", bridgeCpu, benchCpu,
            concurrency == 8 ? "<= 5x" : null, concurrency == 8 ? r => r <= 5 : null);
    }

    // Against a Kibana that takes its time: its assignees route runs an update-by-query with refresh: true
    // (kibana-api-facts.md; the API page's example answer says "took": 76). Two models of it: "parallel", every
    // request waits its latency alongside the others however many come at once (the most generous to senders calling
    // Kibana directly); "one at a time", the requests of a space are served one after another, as the refreshes of
    // one shard are (the simulator's LatencyOneAtATime). Fewer deliveries in the second, whose direct rate is 1/latency.
    foreach (var oneAtATime in new[] { false, true })
    {
        foreach (var latencyMs in new[] { 20, 80 })
        {
            foreach (var concurrency in new[] { 8, 32 })
            {
                kibana.State.Faults.Latency = TimeSpan.FromMilliseconds(latencyMs);
                kibana.State.Faults.LatencyOneAtATime = oneAtATime;
                await FreshTablesAsync();
                var total = options.Quick ? 100 : oneAtATime ? (latencyMs == 20 ? 600 : 200) : 1000;
                var ids = Enumerable.Range(0, total).Select(_ => NewAlert()).ToArray();
                var direct = await Load.ClosedLoopAsync(concurrency, total, i => traffic.PostDirectAsync(http, ids[i]));
                ids = [.. Enumerable.Range(0, total).Select(_ => NewAlert())];
                var callsBefore = AssigneeCalls();
                var through = await Load.ClosedLoopAsync(concurrency, total, i => Traffic.PostJiraAsync(http, bridge.Address, ids[i]));
                var calls = AssigneeCalls() - callsBefore;
                var scenario = $"warm c={concurrency}, Kibana {latencyMs} ms {(oneAtATime ? "one at a time" : "parallel")}";
                Console.WriteLine($"  {scenario}: bridge {through.Throughput:0}/s p50 {through.P50Ms:0.0} p99 {through.P99Ms:0.0} ms ({through.Failed} not applied, {calls} Kibana calls); direct {direct.Throughput:0}/s p50 {direct.P50Ms:0.00} p99 {direct.P99Ms:0.00} ms");
                report.Add(scenario, "throughput (req/s)", through.Throughput, direct.Throughput, ">= 1.0x", r => r >= 1.0);
                report.Add(scenario, "p50 latency (ms)", through.P50Ms, direct.P50Ms, null, null);
                report.Add(scenario, "p99 latency (ms)", through.P99Ms, direct.P99Ms, "<= 1.5x", r => r <= 1.5);
                report.Add(scenario, "Kibana calls / deliveries", calls, total, null, null);
                report.Add(scenario, "deliveries not applied", through.Failed, 0, "0", _ => through.Failed == 0, ratio: false);
            }
        }
    }

    kibana.State.Faults.LatencyOneAtATime = false;
    kibana.State.Faults.Latency = TimeSpan.Zero;
    var warmPeak = bridge.PeakRssMiB();
    report.Add("memory", "peak RSS during warm (MiB)", warmPeak, 200, "< 200 MiB", r => r < 1);
}

// 3 and 4: a burst of 1,000 assignments of 1,000 alerts within one second, on a fresh Azurite and bridge: Azurite's
// in-memory store costs more CPU per request as its tables grow (about 4 ms per delivery fresh, nearer 6 after the
// warm phase's 10,000 deliveries), which Table Storage does not do to the bridge's machine.
if (options.Runs("load"))
{
    await using var storage = await Azurite.StartAsync(options.Root);
    await using var bridge = ChildApp.Start(bridgeExe, await OnStorageAsync(storage));
    using var http = Traffic.Client(64);
    await bridge.WaitUntilAnsweringAsync(http);
    await Load.ClosedLoopAsync(8, options.Quick ? 100 : 300, _ => Traffic.PostJiraAsync(http, bridge.Address, NewAlert()));
    const int burst = 1_000;
    using var burstHttp = Traffic.Client(256);
    var burstIds = Enumerable.Range(0, burst).Select(_ => NewAlert()).ToArray();
    var directBurst = await Load.OpenLoopAsync(burst, TimeSpan.FromMilliseconds(1), i => traffic.PostDirectAsync(burstHttp, burstIds[i]));
    burstIds = [.. Enumerable.Range(0, burst).Select(_ => NewAlert())];
    bridge.ResetPeakRss();
    var before = AssigneeCalls();
    var (burstBridgeCpu, burstAzuriteCpu) = (ProcStat.CpuMilliseconds(bridge.ProcessId), ProcStat.CpuMilliseconds(storage.ProcessId));
    var bridgeBurst = await Load.OpenLoopAsync(burst, TimeSpan.FromMilliseconds(1), i => Traffic.PostJiraAsync(burstHttp, bridge.Address, burstIds[i]));
    var burstCalls = AssigneeCalls() - before;
    var assigned = burstIds.Count(id => kibana.State.GetAssignees("default", id)?.Contains(Traffic.AliceUid) == true);
    var burstPeak = bridge.PeakRssMiB();
    burstBridgeCpu = (ProcStat.CpuMilliseconds(bridge.ProcessId) - burstBridgeCpu) / burst;
    burstAzuriteCpu = (ProcStat.CpuMilliseconds(storage.ProcessId) - burstAzuriteCpu) / burst;
    Console.WriteLine($"  burst: {burstCalls} Kibana calls for {burst} deliveries, all answered in {bridgeBurst.Elapsed.TotalMilliseconds:0} ms (direct {directBurst.Elapsed.TotalMilliseconds:0} ms), {assigned} assigned, {bridgeBurst.Failed} not applied, p99 {bridgeBurst.P99Ms:0} ms");
    if (bridgeBurst.Failed > 0)
    {
        // Why they were not applied at once: the journal keeps each delivery's last error.
        var errors = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var row in new TableClient(storage.ConnectionString, "benchjournal").QueryAsync<TableEntity>("Status ne 'applied'", select: ["Status", "LastError"]))
        {
            var error = $"{row.GetString("Status")}: {row.GetString("LastError")}";
            errors[error] = errors.GetValueOrDefault(error) + 1;
        }

        foreach (var (error, count) in errors.OrderByDescending(e => e.Value).Take(5))
        {
            Console.WriteLine($"  journal: {count} x {error}");
        }
    }

    report.Add("burst 1000", "Kibana calls (vs one per delivery)", burstCalls, burst, "<= 0.05x", r => r <= 0.05);
    report.Add("burst 1000", "time to all applied (ms)", bridgeBurst.Elapsed.TotalMilliseconds, directBurst.Elapsed.TotalMilliseconds, "<= 5000 ms", _ => bridgeBurst.Elapsed.TotalSeconds <= 5);
    report.Add("burst 1000", "alerts assigned", assigned, burst, "1.0x", r => r >= 1);
    report.Add("burst 1000", "deliveries not applied within Jira's 5 s inline deadline", bridgeBurst.Failed, 0, "0", _ => bridgeBurst.Failed == 0, ratio: false);
    report.Add("burst 1000", "CPU ms per delivery: bridge / Azurite", burstBridgeCpu, burstAzuriteCpu, null, null);
    report.Add("memory", "peak RSS during burst (MiB)", burstPeak, 200, "< 200 MiB", r => r < 1);
}

// 2b: storage requests per delivery, counted from Azurite's own request log (--debug) on a fresh Azurite and bridge:
// every request Azurite received while 500 Jira deliveries were sent at 8 senders and their after-answer writes
// ended, by table (a batch by the table its operations name). The journal table's are the ones a delivery waits for
// (HotPathTests holds the managed-assignee and audit tables back and sees the answer come first).
if (options.Runs("storage"))
{
    var log = Path.Combine(Path.GetTempPath(), $"assignbridge-bench-azurite-{Environment.ProcessId}.log");
    await using var storage = await Azurite.StartAsync(options.Root, debugLog: log);
    await using var bridge = ChildApp.Start(bridgeExe, await OnStorageAsync(storage));
    using var http = Traffic.Client(64);
    await bridge.WaitUntilAnsweringAsync(http);
    await Load.ClosedLoopAsync(8, options.Quick ? 100 : 300, _ => Traffic.PostJiraAsync(http, bridge.Address, NewAlert()));
    await Task.Delay(TimeSpan.FromSeconds(2)); // the after-answer writes of the warm-up end (a bench may wait; a test may not)
    var from = AzuriteLog.Requests(log).Count;
    var total = options.Quick ? 200 : 500;
    var ids = Enumerable.Range(0, total).Select(_ => NewAlert()).ToArray();
    var counted = await Load.ClosedLoopAsync(8, total, i => Traffic.PostJiraAsync(http, bridge.Address, ids[i]));
    await Task.Delay(TimeSpan.FromSeconds(2));
    var requests = AzuriteLog.Requests(log).Skip(from).ToList();
    File.Delete(log);
    var byTable = requests.GroupBy(r => r.Table).ToDictionary(g => g.Key, g => (double)g.Count());
    double Per(string table) => byTable.GetValueOrDefault(table) / total;
    Console.WriteLine($"  storage: {requests.Count} requests for {total} deliveries ({counted.Failed} not applied): {string.Join(", ", byTable.OrderByDescending(t => t.Value).Select(t => $"{t.Key} {t.Value:0}"))}");
    report.Add("storage", "requests per delivery a delivery waits for (journal table)", Per("benchjournal"), 2, "<= 2", _ => Per("benchjournal") <= 2, ratio: false);
    report.Add("storage", "requests per delivery after the answer (managed assignees / audit)", Per("benchmanaged"), Per("benchaudit"), null, null, ratio: false);
    report.Add("storage", "requests per delivery, all tables and queues", requests.Count / (double)total, double.NaN, null, null, ratio: false);
    report.Add("storage", "deliveries not applied", counted.Failed, 0, "0", _ => counted.Failed == 0, ratio: false);
}

// 5: the backlog. Deliveries accepted while Kibana is down, each answered 202 (journaled, and queued with its back-off
// as the message's visibility delay), then Kibana returns: how long until every one is applied in the journal, and with
// how many Kibana calls, against the same requests sent straight to the simulator. On a fresh Azurite and bridge.
if (options.Runs("backlog"))
{
    var total = options.Quick ? 500 : 5_000;
    const int senders = 128;
    await using var storage = await Azurite.StartAsync(options.Root);
    var backlogSettings = await OnStorageAsync(storage);
    // Every setting that decides when a delivery is tried again is the bridge's default (Journal:RetryBaseSeconds and
    // the rest, Queue:*), and so is the reconcile schedule: on here, as deployed, because its sweep is part of the retry.
    backlogSettings.Remove("Reconcile__Enabled");
    await using var bridge = ChildApp.Start(bridgeExe, backlogSettings);
    using var http = Traffic.Client(senders);
    await bridge.WaitUntilAnsweringAsync(http);
    var journal = new TableClient(storage.ConnectionString, "benchjournal");

    // Warm-up with Kibana up (compilation, connections, tables); not counted: the bridge picks their delivery ids.
    var warmed = await Load.ClosedLoopAsync(8, options.Quick ? 100 : 300, async _ => await Traffic.PostAssignmentAsync(http, bridge.Address, NewAlert(), null) == 200);

    // The baseline: the same requests straight to the simulator, as many at a time as the queue poller takes (Queue:BatchSize, 16).
    var directIds = Enumerable.Range(0, total).Select(_ => NewAlert()).ToArray();
    var directCallsBefore = AssigneeCalls();
    var direct = await Load.ClosedLoopAsync(16, total, i => traffic.PostDirectAsync(http, directIds[i]));
    var directCalls = AssigneeCalls() - directCallsBefore;

    // The outage: every assignees request answers 503 until the switch is reset.
    var ids = Enumerable.Range(0, total).Select(_ => NewAlert()).ToArray();
    var outageStarted = DateTimeOffset.UtcNow;
    kibana.State.Faults.FailNext(int.MaxValue, 503);
    var accepted = await Load.ClosedLoopAsync(senders, total, async i => await Traffic.PostAssignmentAsync(http, bridge.Address, ids[i], $"backlog-{i:D5}") == 202);
    kibana.State.Faults.Reset();
    var returned = DateTimeOffset.UtcNow;
    var sinceReturn = System.Diagnostics.Stopwatch.StartNew();
    var (drainBridgeCpu, drainAzuriteCpu) = (ProcStat.CpuMilliseconds(bridge.ProcessId), ProcStat.CpuMilliseconds(storage.ProcessId));

    // What is left of the back-off: the latest next attempt time of the rows retrying as Kibana returns.
    var atReturn = await BacklogRowsAsync(journal);
    var backoffLeft = atReturn.Where(r => r.Status == "retrying" && r.NextAttemptAt is not null).Select(r => (r.NextAttemptAt!.Value - returned).TotalSeconds).DefaultIfEmpty(double.NaN).Max();

    // Until no row is pending or retrying, bounded: Kibana's alerts every second (cheap), the journal every 5 s and
    // once Kibana holds every assignment.
    var bound = TimeSpan.FromMinutes(options.Quick ? 10 : 20);
    var nextJournalLook = TimeSpan.Zero;
    var rows = atReturn;
    while (true)
    {
        var assigned = ids.Count(id => kibana.State.GetAssignees("default", id)?.Contains(Traffic.AliceUid) == true);
        if (assigned == total || sinceReturn.Elapsed >= nextJournalLook)
        {
            rows = await BacklogRowsAsync(journal);
            nextJournalLook = sinceReturn.Elapsed + TimeSpan.FromSeconds(5);
            if ((rows.Count == total && !rows.Any(r => r.Status is "pending" or "retrying")) || sinceReturn.Elapsed >= bound)
            {
                break;
            }
        }

        await Task.Delay(TimeSpan.FromSeconds(1));
    }

    // How busy the two processes were while the backlog drained (in % of one core; the machine has Environment.ProcessorCount).
    var drained = sinceReturn.Elapsed.TotalMilliseconds;
    drainBridgeCpu = (ProcStat.CpuMilliseconds(bridge.ProcessId) - drainBridgeCpu) / drained * 100;
    drainAzuriteCpu = (ProcStat.CpuMilliseconds(storage.ProcessId) - drainAzuriteCpu) / drained * 100;
    var applied = rows.Where(r => r.Status == "applied").ToList();
    var notApplied = total - applied.Count;
    var lastApplied = applied.Select(r => r.CompletedAt).Max();
    var untilApplied = notApplied == 0 && lastApplied is { } last ? (last - returned).TotalSeconds : double.NaN;
    // The shape of the drain: when half were applied, and how many were applied by the time the back-off left had run out.
    var appliedAfter = applied.Where(r => r.CompletedAt is not null).Select(r => (r.CompletedAt!.Value - returned).TotalSeconds).Order().ToList();
    var halfApplied = appliedAfter.Count == 0 ? double.NaN : appliedAfter[(appliedAfter.Count - 1) / 2];
    var withinBackoff = appliedAfter.Count(t => t <= backoffLeft);
    var assigneeRequests = kibana.State.Requests.Where(r => r.Path.EndsWith("/signals/assignees", StringComparison.Ordinal)).ToList();
    var afterReturn = assigneeRequests.Where(r => r.At >= returned).ToList();
    var duringOutage = assigneeRequests.Count(r => r.At >= outageStarted && r.At < returned);
    var lastAssigned = afterReturn.Where(r => r.Status == 200).Select(r => (DateTimeOffset?)r.At).Max();
    var untilAssigned = lastAssigned is { } at && ids.All(id => kibana.State.GetAssignees("default", id)?.Contains(Traffic.AliceUid) == true)
        ? (at - returned).TotalSeconds : double.NaN;
    var attempts = rows.Select(r => (double)r.Attempts).DefaultIfEmpty(double.NaN).ToList();

    // Before the delivery queue, a delivery not applied inline was tried again only by the reconcile run: 100 per run,
    // every 5 minutes. Computed from those defaults, not measured.
    var reconcileRuns = (int)Math.Ceiling(total / 100.0);
    var reconcileOnly = reconcileRuns * 5 * 60.0;

    var scenario = $"backlog {total}";
    Console.WriteLine($"  {scenario}: {accepted.Requests - accepted.Failed} of {total} answered 202 in {accepted.Elapsed.TotalSeconds:0.0} s of outage ({senders} senders, {duringOutage} failed Kibana calls, {warmed.Failed} of {warmed.Requests} warm-up deliveries not applied);"
        + $" back-off left at Kibana's return {backoffLeft:0.0} s; all applied {untilApplied:0.0} s after it ({applied.Count} applied, {notApplied} not; half after {halfApplied:0.0} s, {withinBackoff} within the back-off left), last alert assigned in Kibana after {untilAssigned:0.0} s, {afterReturn.Count} Kibana calls ({afterReturn.Count(r => r.Status != 200)} failed);"
        + $" CPU while draining: bridge {drainBridgeCpu:0}%, Azurite {drainAzuriteCpu:0}% of one core;"
        + $" attempts per delivery mean {attempts.Average():0.00}, max {attempts.Max():0}; direct {total} requests {direct.Elapsed.TotalSeconds:0.00} s, {directCalls} calls;"
        + $" reconcile-only retries ({reconcileRuns} runs of 100 every 5 min) would take about {reconcileOnly / 60:0} min");
    foreach (var (status, count) in rows.Where(r => r.Status != "applied").GroupBy(r => $"{r.Status}: {r.LastError}").Select(g => (g.Key, g.Count())).OrderByDescending(g => g.Item2).Take(5))
    {
        Console.WriteLine($"  journal: {count} x {status}");
    }

    report.Add(scenario, "answered 202 during the outage", accepted.Requests - accepted.Failed, total, "1.0x", r => r >= 1);
    report.Add(scenario, "outage: time to accept all (s)", accepted.Elapsed.TotalSeconds, double.NaN, null, null);
    report.Add(scenario, "outage: Kibana calls (all failed)", duringOutage, total, null, null);
    report.Add(scenario, "back-off still to run at Kibana's return (s)", backoffLeft, double.NaN, null, null);
    report.Add(scenario, "Kibana's return to all applied in the journal (s)", untilApplied, 30, "<= 30 s", _ => untilApplied <= 30, ratio: false);
    report.Add(scenario, "Kibana's return to all applied in the journal (s) vs the back-off left", untilApplied, backoffLeft, null, null);
    report.Add(scenario, "Kibana's return to half applied (s) vs the back-off left", halfApplied, backoffLeft, null, null);
    report.Add(scenario, "applied within the back-off left", withinBackoff, total, null, null);
    report.Add(scenario, "Kibana's return to all applied in the journal (s) vs direct", untilApplied, direct.Elapsed.TotalSeconds, null, null);
    report.Add(scenario, "Kibana's return to all applied (s) vs reconcile-only retries, 100 per 5 min (computed)", untilApplied, reconcileOnly, null, null);
    report.Add(scenario, "Kibana's return to the last alert assigned in Kibana (s)", untilAssigned, direct.Elapsed.TotalSeconds, null, null);
    report.Add(scenario, "Kibana calls after its return (vs direct)", afterReturn.Count, directCalls, "<= 0.05x", r => r <= 0.05);
    report.Add("memory", "peak RSS during backlog (MiB)", bridge.PeakRssMiB(), 200, "< 200 MiB", r => r < 1);
    report.Add(scenario, "CPU while draining, % of one core: bridge / Azurite", drainBridgeCpu, drainAzuriteCpu, null, null, ratio: false);
    report.Add(scenario, "attempts per delivery: mean / max", attempts.Average(), attempts.Max(), null, null, ratio: false);
    report.Add(scenario, "deliveries not applied", notApplied, 0, "0", _ => notApplied == 0, ratio: false);
}

// 2: cold start, interleaved so that every variant sees the same machine state.
if (options.Runs("cold"))
{
    var knobs = new (string Name, Dictionary<string, string> Environment)[]
    {
        ("", []),
        ("TieredPGO=0", new() { ["DOTNET_TieredPGO"] = "0" }),
        ("TieredCompilation=0", new() { ["DOTNET_TieredCompilation"] = "0" }),
    };
    var variants = new List<(string Name, string Floor, string Exe, Dictionary<string, string> Environment, bool Bridge, bool Delivery)>();
    // Native AOT only when scripts/bench.sh could build it (it needs clang). Its first delivery is not measured: it
    // fails there (Azure.Data.Tables creates tables with reflection-based JSON, which trimming breaks; docs/performance.md).
    string[] flavours = ["r2r", "composite", "jit", "aot"];
    foreach (var publish in flavours.Where(p => Directory.Exists(Path.Combine(options.Packages, $"bridge-{p}"))))
    {
        foreach (var (knob, environment) in publish == "r2r" ? knobs : knobs[..1])
        {
            var suffix = knob.Length == 0 ? "" : " " + knob;
            variants.Add(($"empty {publish}{suffix}", "", Path.Combine(options.Packages, $"empty-{publish}", "EmptyApp"), environment, false, false));
            variants.Add(($"bridge {publish}{suffix}", $"empty {publish}{suffix}", Path.Combine(options.Packages, $"bridge-{publish}", "AssignBridge"), environment, true, publish != "aot"));
        }
    }

    var runs = options.Quick ? 3 : 7;
    var answering = variants.ToDictionary(v => v.Name, _ => new List<double>());
    var applied = variants.ToDictionary(v => v.Name, _ => new List<double>());
    var rss = variants.ToDictionary(v => v.Name, _ => new List<double>());
    for (var run = 0; run < runs; run++)
    {
        foreach (var variant in variants)
        {
            var environment = new Dictionary<string, string>(variant.Bridge ? settings : []);
            foreach (var (name, value) in variant.Environment)
            {
                environment[name] = value;
            }

            var alert = NewAlert();
            using var http = Traffic.Client(4);
            await using var app = ChildApp.Start(variant.Exe, environment);
            answering[variant.Name].Add((await app.WaitUntilAnsweringAsync(http)).TotalMilliseconds);
            if (variant.Delivery)
            {
                if (!await Traffic.PostJiraAsync(http, app.Address, alert))
                {
                    throw new InvalidOperationException($"{variant.Name}: the first delivery was not applied.\n{app.Output}");
                }

                applied[variant.Name].Add(app.SinceStart.TotalMilliseconds);
            }

            rss[variant.Name].Add(app.RssMiB());
        }
    }

    foreach (var variant in variants.Where(v => v.Bridge))
    {
        var floor = Median(answering[variant.Floor]);
        var scenario = "cold " + variant.Name["bridge ".Length..];
        Console.WriteLine($"  {scenario}: {ChildApp.ReadinessPath} {Median(answering[variant.Name]):0} ms, first applied {Median(applied[variant.Name]):0} ms; empty app {ChildApp.ReadinessPath} {floor:0} ms");
        report.Add(scenario, $"{ChildApp.ReadinessPath} answering (ms)", Median(answering[variant.Name]), floor, "<= 1.2x", r => r <= 1.2);
        if (variant.Delivery)
        {
            report.Add(scenario, "first delivery applied (ms)", Median(applied[variant.Name]), floor, "<= 2x", r => r <= 2);
            var rssNow = Median(rss[variant.Name]);
            report.Add(scenario, "RSS after first delivery (MiB)", rssNow, Median(rss[variant.Floor]), "< 200 MiB", _ => rssNow < 200);
        }
        else
        {
            report.Add(scenario, $"RSS after {ChildApp.ReadinessPath} (MiB)", Median(rss[variant.Name]), Median(rss[variant.Floor]), null, null);
        }
    }

    // Under the Functions worker (WorkerColdStart.cs): the bridge started by the bench's stand-in for the Functions host
    // until its first delivery is applied, against an empty isolated-worker app's first 200 (bench/EmptyWorkerApp).
    if (Directory.Exists(Path.Combine(options.Packages, "emptyworker-r2r")))
    {
        var worker = await WorkerColdStart.MeasureAsync(Path.Combine(options.Packages, "bridge-r2r"), Path.Combine(options.Packages, "emptyworker-r2r"), settings, runs, NewAlert);
        Console.WriteLine($"  cold worker r2r: functions loaded {worker.BridgeLoadedMs:0} ms, first applied {worker.BridgeFirstAppliedMs:0} ms; empty worker app loaded {worker.EmptyLoadedMs:0} ms, first 200 {worker.EmptyFirst200Ms:0} ms");
        report.Add("cold worker r2r", "first delivery applied (ms) vs the empty worker app's first 200", worker.BridgeFirstAppliedMs, worker.EmptyFirst200Ms, "<= 2x", r => r <= 2);
        report.Add("cold worker r2r", "every function loaded (ms)", worker.BridgeLoadedMs, worker.EmptyLoadedMs, null, null);
        report.Add("cold worker r2r", "RSS after the first answer (MiB)", worker.BridgeRssMiB, worker.EmptyRssMiB, null, null);
    }

    // The stretch goal: the bridge's readiness against the plain JIT floor (the empty app, not compiled ahead).
    if (answering.TryGetValue("bridge aot", out var aot) && answering.TryGetValue("empty jit", out var jitFloor))
    {
        report.Add("cold aot", $"{ChildApp.ReadinessPath} answering vs the JIT floor (ms)", Median(aot), Median(jitFloor), "<= 0.3x (stretch)", r => r <= 0.3);
    }
}

foreach (var answer in Traffic.NotApplied)
{
    Console.WriteLine($"  not applied: {answer}");
}

report.Print();
await report.WriteAsync(options.Output, options.Quick);
return 0;

static async Task MapPeopleAsync(Azurite storage)
{
    var people = new TableClient(storage.ConnectionString, "benchpeople");
    await people.CreateIfNotExistsAsync();
    await people.UpsertEntityAsync(new TableEntity("jira", Traffic.AliceAccount) { ["KibanaUid"] = Traffic.AliceUid, ["ExternalId"] = Traffic.AliceAccount });
}

// The journal rows of the backlog's deliveries (Idempotency-Key backlog-00000…, source "api"), with what the figures need.
static async Task<List<BacklogRow>> BacklogRowsAsync(TableClient journal)
{
    var rows = new List<BacklogRow>();
    var filter = "PartitionKey eq 'api' and RowKey ge 'backlog-' and RowKey lt 'backlog.'";
    await foreach (var row in journal.QueryAsync<TableEntity>(filter, maxPerPage: 1_000, select: ["Status", "Attempts", "NextAttemptAt", "CompletedAt", "LastError"]))
    {
        rows.Add(new BacklogRow(row.GetString("Status") ?? "", row.GetInt32("Attempts") ?? 0, row.GetDateTimeOffset("NextAttemptAt"), row.GetDateTimeOffset("CompletedAt"), row.GetString("LastError")));
    }

    return rows;
}

static double Median(List<double> values) => values.Count == 0 ? double.NaN : values.Order().ElementAt(values.Count / 2);

internal sealed record BacklogRow(string Status, int Attempts, DateTimeOffset? NextAttemptAt, DateTimeOffset? CompletedAt, string? LastError);

internal sealed record Arguments(string Root, string Packages, string Output, bool Quick, IReadOnlyList<string> Only, IReadOnlyList<string> Skip)
{
    /// <summary>The phases: warm and burst with their memory figures (load), storage requests per delivery, the backlog after a Kibana outage, cold start.</summary>
    public static readonly string[] Phases = ["load", "storage", "backlog", "cold"];

    /// <summary>Whether <paramref name="phase"/> runs: named by --only (or no --only given) and not named by --skip.</summary>
    public bool Runs(string phase) => (Only.Count == 0 || Only.Contains(phase)) && !Skip.Contains(phase);

    public static Arguments Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        string[] PhasesOf(string name)
        {
            var phases = (Value(name) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return phases.FirstOrDefault(p => !Phases.Contains(p)) is { } unknown
                ? throw new ArgumentException($"{name} {unknown}: the phases are {string.Join(", ", Phases)}.")
                : phases;
        }

        var root = Value("--root") ?? Directory.GetCurrentDirectory();
        return new Arguments(
            root,
            Value("--packages") ?? Path.Combine(root, "artifacts", "bench", "packages"),
            Value("--out") ?? Path.Combine(root, "artifacts", "bench", "results.json"),
            args.Contains("--quick"),
            PhasesOf("--only"),
            PhasesOf("--skip"));
    }
}

/// <summary>Every figure with the baseline of the same run, printed as a Markdown table and written as JSON.</summary>
internal sealed class Report
{
    private readonly List<(string Scenario, string Metric, double Value, double Baseline, string? Target, bool? Met, bool Ratio)> _rows = [];

    /// <param name="baseline">The figure of the same run it is set against; <see cref="double.NaN"/> for a figure given for context, with none.</param>
    public void Add(string scenario, string metric, double value, double baseline, string? target, Func<double, bool>? met, bool ratio = true)
    {
        var r = baseline == 0 ? double.NaN : value / baseline;
        _rows.Add((scenario, metric, value, baseline, target, met?.Invoke(r), ratio && !double.IsNaN(baseline)));
    }

    public void Print()
    {
        Console.WriteLine();
        Console.WriteLine("| scenario | metric | bridge | baseline | ratio | target | met |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | --- | --- |");
        foreach (var row in _rows)
        {
            var ratio = row.Ratio && row.Baseline != 0 ? (row.Value / row.Baseline).ToString("0.00", CultureInfo.InvariantCulture) + "x" : "";
            var met = row.Met switch { true => "yes", false => "**no**", null => "" };
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {row.Scenario} | {row.Metric} | {Format(row.Value)} | {Format(row.Baseline)} | {ratio} | {row.Target} | {met} |"));
        }
    }

    public async Task WriteAsync(string path, bool quick)
    {
        var rows = new JsonArray();
        foreach (var row in _rows)
        {
            rows.Add(new JsonObject
            {
                ["scenario"] = row.Scenario,
                ["metric"] = row.Metric,
                ["value"] = double.IsNaN(row.Value) ? null : Math.Round(row.Value, 3),
                ["baseline"] = double.IsNaN(row.Baseline) ? null : Math.Round(row.Baseline, 3),
                ["ratio"] = row.Ratio && row.Baseline != 0 ? Math.Round(row.Value / row.Baseline, 3) : null,
                ["target"] = row.Target,
                ["met"] = row.Met,
            });
        }

        var document = new JsonObject
        {
            ["measuredAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["cores"] = Environment.ProcessorCount,
            ["runtime"] = Environment.Version.ToString(),
            ["quick"] = quick,
            ["results"] = rows,
        };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllTextAsync(path, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"Wrote {path}");
    }

    private static string Format(double value) =>
        double.IsNaN(value) ? ""
        : value >= 100 || value == Math.Floor(value) ? value.ToString("0", CultureInfo.InvariantCulture) : value.ToString("0.00", CultureInfo.InvariantCulture);
}

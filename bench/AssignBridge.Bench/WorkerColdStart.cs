namespace AssignBridge.Bench;

/// <summary>The medians of <see cref="WorkerColdStart.MeasureAsync"/>, in milliseconds since the process started (RSS in MiB).</summary>
internal sealed record WorkerColdStartResult(
    int Runs,
    double BridgeLoadedMs,
    double BridgeFirstAppliedMs,
    double BridgeRssMiB,
    double EmptyLoadedMs,
    double EmptyFirst200Ms,
    double EmptyRssMiB);

/// <summary>
/// Cold start under the Functions worker (docs/performance.md): each package started by the stand-in host
/// (<see cref="WorkerHost"/>) as the Functions host starts an isolated worker, until the first answer of one HTTP
/// function through the worker's Kestrel: the bridge's first Jira delivery applied (PostJiraWebhook), against an
/// empty isolated-worker app's first 200 (bench/EmptyWorkerApp, GetHealth). Also when both had loaded every function
/// (the host's start-up exchange done). Runs alternate between the two, so both see the same machine.
/// </summary>
internal static class WorkerColdStart
{
    public static async Task<WorkerColdStartResult> MeasureAsync(string bridgePackage, string emptyWorkerPackage, IReadOnlyDictionary<string, string> settings, int runs, Func<string> newAlert)
    {
        await using var host = await WorkerHost.StartAsync();
        var bridgeExe = Path.Combine(bridgePackage, "AssignBridge");
        var emptyExe = Path.Combine(emptyWorkerPackage, "EmptyWorkerApp");
        List<double> bridgeLoaded = [], bridgeApplied = [], bridgeRss = [], emptyLoaded = [], empty200 = [], emptyRss = [];
        for (var run = 0; run < runs; run++)
        {
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            {
                await using var empty = host.Start(emptyExe, new Dictionary<string, string>());
                emptyLoaded.Add((await empty.InitialiseAsync(timeout.Token)).TotalMilliseconds);
                var status = await empty.InvokeHttpAsync("GetHealth", HttpMethod.Get, "api/health", async (http, worker) =>
                {
                    using var answer = await http.GetAsync(new Uri(worker, "api/health"), timeout.Token);
                    return (int)answer.StatusCode;
                }, timeout.Token);
                if (status != 200)
                {
                    throw new InvalidOperationException($"The empty worker app's GetHealth answered {status}.\n{empty.Output}");
                }

                empty200.Add(empty.SinceStart.TotalMilliseconds);
                emptyRss.Add(empty.RssMiB());
            }

            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            {
                var alert = newAlert();
                await using var bridge = host.Start(bridgeExe, settings);
                bridgeLoaded.Add((await bridge.InitialiseAsync(timeout.Token)).TotalMilliseconds);
                var applied = await bridge.InvokeHttpAsync("PostJiraWebhook", HttpMethod.Post, "api/webhooks/jira", (http, worker) => Traffic.PostJiraAsync(http, worker, alert), timeout.Token);
                if (!applied)
                {
                    throw new InvalidOperationException($"The bridge's first delivery under the worker was not applied ({string.Join("; ", Traffic.NotApplied)}).\n{bridge.Output}");
                }

                bridgeApplied.Add(bridge.SinceStart.TotalMilliseconds);
                bridgeRss.Add(bridge.RssMiB());
            }
        }

        return new WorkerColdStartResult(runs, Median(bridgeLoaded), Median(bridgeApplied), Median(bridgeRss), Median(emptyLoaded), Median(empty200), Median(emptyRss));
    }

    private static double Median(List<double> values) => values.Count == 0 ? double.NaN : values.Order().ElementAt(values.Count / 2);
}

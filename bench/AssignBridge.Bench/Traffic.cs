using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace AssignBridge.Bench;

/// <summary>The two kinds of request the bench sends: a signed Jira delivery to the bridge, and the Kibana request it stands for.</summary>
internal sealed class Traffic(Uri kibana)
{
    public const string JiraSecret = "bench-jira-secret";
    public const string KibanaKey = "YmVuY2gta2V5OmJlbmNoLXNlY3JldA==";
    public const string AliceAccount = "5b10ac8d82e05b22cc7d4ef5";
    public const string AliceUid = "u_alice_0";
    public const string AlertField = "customfield_10050";
    public const string AssignmentsToken = "bench-assignments-token";

    private static long s_sequence = 20_000;

    /// <summary>A Jira Cloud "issue assigned" admin webhook for one new issue linking one alert (shape of the integration fixtures).</summary>
    public static byte[] JiraAssigned(string alertId)
    {
        var n = Interlocked.Increment(ref s_sequence);
        var body = new JsonObject
        {
            ["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            ["webhookEvent"] = "jira:issue_updated",
            ["issue_event_type_name"] = "issue_assigned",
            ["user"] = new JsonObject { ["accountId"] = AliceAccount, ["displayName"] = "Alice Analyst" },
            ["issue"] = new JsonObject
            {
                ["id"] = n.ToString(CultureInfo.InvariantCulture),
                ["self"] = $"https://soc-bench.atlassian.net/rest/api/2/{n}",
                ["key"] = $"SOC-{n}",
                ["fields"] = new JsonObject
                {
                    ["project"] = new JsonObject { ["id"] = "10000", ["key"] = "SOC" },
                    ["labels"] = new JsonArray(),
                    [AlertField] = alertId,
                    ["assignee"] = new JsonObject { ["accountId"] = AliceAccount, ["displayName"] = "Alice Analyst" },
                    ["summary"] = "Suspicious login",
                },
            },
            ["changelog"] = new JsonObject
            {
                ["id"] = n.ToString(CultureInfo.InvariantCulture),
                ["items"] = new JsonArray(new JsonObject
                {
                    ["field"] = "assignee",
                    ["fieldtype"] = "jira",
                    ["fieldId"] = "assignee",
                    ["from"] = null,
                    ["fromString"] = null,
                    ["to"] = AliceAccount,
                    ["toString"] = "Alice Analyst",
                    ["tmpToAccountId"] = AliceAccount,
                }),
            },
        };
        return Encoding.UTF8.GetBytes(body.ToJsonString());
    }

    public static async Task<bool> PostJiraAsync(HttpClient http, Uri bridge, string alertId)
    {
        var body = JiraAssigned(alertId);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(bridge, "api/webhooks/jira")) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-Hub-Signature", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(JiraSecret), body)));
        request.Headers.Add("X-Atlassian-Webhook-Identifier", Guid.NewGuid().ToString());
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var applied = response.IsSuccessStatusCode && text.Contains("\"status\":\"applied\"", StringComparison.Ordinal);
        if (!applied && NotApplied.Count < 5)
        {
            NotApplied.Enqueue($"{(int)response.StatusCode}: {text[..Math.Min(text.Length, 600)]}");
        }

        return applied;
    }

    /// <summary>
    /// <c>POST /api/assignments</c> adding Alice (by her Jira account, through the people table) to one alert, with
    /// <paramref name="deliveryId"/> as its Idempotency-Key (none: the bridge picks one). Returns the status code.
    /// </summary>
    public static async Task<int> PostAssignmentAsync(HttpClient http, Uri bridge, string alertId, string? deliveryId)
    {
        var body = $$"""{"alertIds":["{{alertId}}"],"add":["jira:{{AliceAccount}}"],"requestedBy":"bench"}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(bridge, "api/assignments"))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AssignmentsToken);
        if (deliveryId is not null)
        {
            request.Headers.Add("Idempotency-Key", deliveryId);
        }

        using var response = await http.SendAsync(request);
        var status = (int)response.StatusCode;
        if (status is not (200 or 202) && NotApplied.Count < 5)
        {
            var text = await response.Content.ReadAsStringAsync();
            NotApplied.Enqueue($"{status}: {text[..Math.Min(text.Length, 600)]}");
        }

        return status;
    }

    /// <summary>The first few answers that were not "applied", printed to say why.</summary>
    public static System.Collections.Concurrent.ConcurrentQueue<string> NotApplied { get; } = new();

    /// <summary>The request the bridge sends for one such delivery, straight to the simulator.</summary>
    public async Task<bool> PostDirectAsync(HttpClient http, string alertId)
    {
        var body = $$"""{"assignees":{"add":["{{AliceUid}}"],"remove":[]},"ids":["{{alertId}}"]}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(kibana, "api/detection_engine/signals/assignees"))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("ApiKey", KibanaKey);
        request.Headers.Add("kbn-xsrf", "true");
        request.Headers.Add("elastic-api-version", "2023-10-31");
        using var response = await http.SendAsync(request);
        return response.IsSuccessStatusCode;
    }

    public static HttpClient Client(int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        ConnectTimeout = TimeSpan.FromSeconds(5),
    })
    { Timeout = TimeSpan.FromSeconds(60) };
}

/// <summary>What one load run measured.</summary>
internal sealed record LoadResult(int Requests, int Failed, TimeSpan Elapsed, double P50Ms, double P99Ms)
{
    public double Throughput => Requests / Elapsed.TotalSeconds;
}

internal static class Load
{
    /// <summary>Closed loop: <paramref name="concurrency"/> workers send <paramref name="total"/> requests between them, back to back.</summary>
    public static async Task<LoadResult> ClosedLoopAsync(int concurrency, int total, Func<int, Task<bool>> send)
    {
        var latencies = new double[total];
        var failed = 0;
        var next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < total)
            {
                var start = Stopwatch.GetTimestamp();
                if (!await send(i))
                {
                    Interlocked.Increment(ref failed);
                }

                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }));
        return Summarise(latencies, failed, watch.Elapsed);
    }

    /// <summary>Open loop: request i leaves at i × <paramref name="spacing"/> whatever the answers, as a burst of webhooks does.</summary>
    public static async Task<LoadResult> OpenLoopAsync(int total, TimeSpan spacing, Func<int, Task<bool>> send)
    {
        var latencies = new double[total];
        var failed = 0;
        var watch = Stopwatch.StartNew();
        var tasks = new List<Task>(total);
        for (var i = 0; i < total; i++)
        {
            var due = spacing * i;
            if (due > watch.Elapsed)
            {
                await Task.Delay(due - watch.Elapsed);
            }

            var index = i;
            tasks.Add(Task.Run(async () =>
            {
                var start = Stopwatch.GetTimestamp();
                if (!await send(index))
                {
                    Interlocked.Increment(ref failed);
                }

                latencies[index] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }));
        }

        await Task.WhenAll(tasks);
        return Summarise(latencies, failed, watch.Elapsed);
    }

    private static LoadResult Summarise(double[] latencies, int failed, TimeSpan elapsed)
    {
        var sorted = latencies.Order().ToArray();
        return new LoadResult(sorted.Length, failed, elapsed, Percentile(sorted, 0.50), Percentile(sorted, 0.99));
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}

using System.Diagnostics;
using System.Net.Http.Json;
using AssignBridge.Platform.Http;
using AssignBridge.Platform.Telemetry;
using AssignBridge.Secrets;
using Microsoft.Extensions.Options;
using Polly.Retry;
using Polly;

namespace AssignBridge.Kibana;

/// <summary>What the start-up check found: <see cref="DependencyStatus.Ok"/>, <see cref="DependencyStatus.Failing"/> or <see cref="Pending"/>.</summary>
internal sealed record AccessVerdict(string Status, int KibanaStatus, string Detail, long LatencyMs, DateTimeOffset CheckedAt)
{
    public const string Pending = "pending";

    /// <summary>A verdict that will not change by waiting: a wrong key, a missing privilege, a missing route.</summary>
    public bool IsDefinite => KibanaStatus is 400 or 401 or 403 or 404 || Status == DependencyStatus.Ok;
}

// Checks once, after Kestrel listens (never before: the Functions host waits for GET /), that the Kibana
// key may assign alerts: it sends the assignees route a request Kibana validates and authorizes in full but that
// changes nothing: ids: ["assignbridge-probe-nonexistent"], add and remove empty (both may be
// empty, kibana-api-facts.md §1; the update-by-query matches no document). A 401 means the key is wrong, a 403
// that the key's role or licence does not allow assignment (§1 "Required privileges", §4). Failures that may pass
// are checked again with back-off; /api/health shows the verdict and checks again when it is older than a minute.
internal sealed class KibanaAccessCheck(
    IHttpClientFactory httpClients,
    IOptions<KibanaOptions> kibana,
    IOptions<TelemetryOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<KibanaAccessCheck> logger) : BackgroundService
{
    public const string ProbeAlertId = "assignbridge-probe-nonexistent";
    private static readonly TimeSpan Recheck = TimeSpan.FromMinutes(1);
    private readonly SemaphoreSlim _running = new(1, 1);
    private readonly ResiliencePipeline<AccessVerdict?> _startupRetry = CreateStartupRetry(time);
    private volatile AccessVerdict _verdict = new(AccessVerdict.Pending, 0, "the start-up check has not finished yet", 0, DateTimeOffset.MinValue);

    public AccessVerdict Verdict => _verdict;

    /// <summary>False when <c>Telemetry:StartupCheck</c> is off: nothing is probed and health leaves the check out.</summary>
    public bool Enabled => options.Value.StartupCheck;

    /// <summary>The verdict, checked again first when it is a failure older than a minute (the key may have been fixed).</summary>
    public async Task<AccessVerdict> CurrentAsync(CancellationToken cancellationToken)
    {
        var verdict = _verdict;
        if (verdict.Status == DependencyStatus.Failing && time.GetUtcNow() - verdict.CheckedAt > Recheck)
        {
            return await ProbeAsync(cancellationToken);
        }

        return verdict;
    }

    public async Task<AccessVerdict> ProbeAsync(CancellationToken cancellationToken)
    {
        await _running.WaitAsync(cancellationToken);
        try
        {
            using var activity = AssignBridgeTelemetry.Step("health.kibana_access");
            var space = kibana.Value.DefaultSpace;
            var started = Stopwatch.GetTimestamp();
            int status;
            string? message = null;
            try
            {
                var http = httpClients.CreateClient(nameof(KibanaClient));
                var body = new SetAlertAssigneesBody(new AlertAssignees([], []), [ProbeAlertId]);
                using var response = await http.PostAsync(KibanaSpaces.Prefix(space) + KibanaClient.AssigneesRoute,
                    JsonContent.Create(body, KibanaJsonContext.Default.SetAlertAssigneesBody), cancellationToken);
                status = (int)response.StatusCode;
                if (!response.IsSuccessStatusCode)
                {
                    message = (await KibanaRequestException.FromResponseAsync(response, cancellationToken)).KibanaMessage;
                }
            }
            catch (HttpRequestException exception)
            {
                (status, message) = (0, $"Kibana could not be reached ({exception.HttpRequestError})");
            }
            catch (SecretUnavailableException exception)
            {
                (status, message) = (0, exception.Message);
            }
            catch (Exception exception) when (exception is Polly.Timeout.TimeoutRejectedException || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                (status, message) = (0, "Kibana did not answer in time");
            }

            var verdict = Judge(space, status, message) with
            {
                LatencyMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                CheckedAt = time.GetUtcNow(),
            };
            _verdict = verdict; // before the log line: whoever reads the log finds the verdict in place
            if (verdict.Status == DependencyStatus.Ok)
            {
                Log.AccessConfirmed(logger, space);
            }
            else
            {
                Log.AccessDenied(logger, space, verdict.KibanaStatus, verdict.Detail);
            }

            return verdict;
        }
        finally
        {
            _running.Release();
        }
    }

    /// <summary>Turns Kibana's answer to the probe into a verdict an operator can act on. Kibana's messages name privileges, never the key.</summary>
    internal static AccessVerdict Judge(string space, int status, string? message) => status switch
    {
        >= 200 and < 300 => new(DependencyStatus.Ok, status, $"the key may assign alerts in space '{space}' (probe accepted, nothing changed)", 0, default),
        401 => new(DependencyStatus.Failing, status,
            "Kibana refused the API key (401): the key is wrong, expired or revoked, even after re-reading it from its source. Put a valid encoded key in the Kibana API key secret.", 0, default),
        403 => new(DependencyStatus.Failing, status,
            $"the API key may not assign alerts in space '{space}' (403): grant its role the Security 'Alerts' (or 'Rules, Alerts, and Exceptions') All privilege and write on the alerts index, and check the licence. Kibana says: {message}", 0, default),
        404 when message?.Contains("index_not_found", StringComparison.Ordinal) == true => new(DependencyStatus.Ok, status,
            $"the key may assign alerts in space '{space}'; the space has no alerts index yet (older Kibana answers 404 then)", 0, default),
        404 => new(DependencyStatus.Failing, status,
            $"Kibana has no assignees route at {KibanaSpaces.Prefix(space)}{KibanaClient.AssigneesRoute} (404): Kibana older than 8.12, a wrong Kibana:Url or a space that does not exist. Kibana says: {message}", 0, default),
        0 => new(DependencyStatus.Failing, status, $"could not be checked: {message}", 0, default),
        _ => new(DependencyStatus.Failing, status, $"Kibana answered the probe with {status}: {message}", 0, default),
    };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        if (!await lifetime.WaitUntilListeningAsync(stoppingToken))
        {
            return;
        }

        try
        {
            await _startupRetry.ExecuteAsync(async token =>
            {
                try
                {
                    return await ProbeAsync(token);
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !token.IsCancellationRequested)
                {
                    // The check is advice, never a reason to stop the host: say so and try again later.
                    Log.AccessDenied(logger, kibana.Value.DefaultSpace, 0, $"the check failed with {exception.GetType().Name}");
                    return null;
                }
            }, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    // Eight probes at most, until a definite verdict: 5 s after the first that may pass, doubling to at most 2 minutes;
    // a probe that failed with an exception (null) is followed at once by the next.
    private static ResiliencePipeline<AccessVerdict?> CreateStartupRetry(TimeProvider time) => new ResiliencePipelineBuilder<AccessVerdict?> { TimeProvider = time }
        .AddRetry(new RetryStrategyOptions<AccessVerdict?>
        {
            MaxRetryAttempts = 7,
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is null && args.Outcome.Result is not { IsDefinite: true }),
            DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(args.Outcome.Result is null
                ? TimeSpan.Zero
                : TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(5).Ticks << Math.Min(args.AttemptNumber, 10), TimeSpan.FromMinutes(2).Ticks))),
        })
        .Build();
}

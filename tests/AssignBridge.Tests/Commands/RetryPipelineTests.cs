using System.Net;
using AssignBridge.Assignments;
using AssignBridge.Commands.Slack;
using AssignBridge.Delivery;
using AssignBridge.Kibana;
using AssignBridge.People;
using AssignBridge.Platform.Telemetry;
using Azure;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;

namespace AssignBridge.Tests;

/// <summary>The retry pipelines of the Slack follow-up and the start-up access check: tries and pauses on the app's clock (the HTTP handler is the seam).</summary>
public sealed class RetryPipelineTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly TimerSignallingTime _time = new(Start);

    [Fact]
    public async Task SlackFollowUp_PostKeepsFailing_ThreeTriesTwoThenFourSecondsApartThenGivesUp()
    {
        var http = new ScriptedHandler(_time, _ => new HttpResponseMessage(HttpStatusCode.InternalServerError));
        var report = CreateFollowUp(http).ReportStillPendingAsync(Note, Entry, CancellationToken.None);

        await AdvanceAfterNextPauseAsync(report, TimeSpan.FromSeconds(2));
        await AdvanceAfterNextPauseAsync(report, TimeSpan.FromSeconds(4));
        await report;

        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(6)], http.SentAt);
    }

    [Fact]
    public async Task SlackFollowUp_SecondTryPosts_NoThirdTry()
    {
        var http = new ScriptedHandler(_time, n => n == 1 ? throw new HttpRequestException("refused") : new HttpResponseMessage(HttpStatusCode.OK));
        var report = CreateFollowUp(http).ReportStillPendingAsync(Note, Entry, CancellationToken.None);

        await AdvanceAfterNextPauseAsync(report, TimeSpan.FromSeconds(2));
        await report;

        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(2)], http.SentAt);
    }

    [Fact]
    public async Task AccessCheck_KibanaKeepsAnswering503_EightProbesBackingOffToTwoMinutes()
    {
        var http = new ScriptedHandler(_time, _ => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        var check = CreateAccessCheck(http);
        await check.StartAsync(CancellationToken.None);

        foreach (var seconds in new[] { 5, 10, 20, 40, 80, 120, 120 })
        {
            await AdvanceAfterNextPauseAsync(check.ExecuteTask!, TimeSpan.FromSeconds(seconds));
        }

        await check.ExecuteTask!;
        Assert.Equal([0, 5, 15, 35, 75, 155, 275, 395], http.SentAt.Select(t => (int)t.TotalSeconds));
        Assert.Equal(503, check.Verdict.KibanaStatus);
    }

    [Fact]
    public async Task AccessCheck_ProbeThrowsThenKeyRefused_NextProbeAtOnceAndADefiniteVerdictEndsTheCheck()
    {
        var http = new ScriptedHandler(_time, n => n == 1 ? throw new InvalidOperationException("not a Kibana answer") : new HttpResponseMessage(HttpStatusCode.Unauthorized));
        var check = CreateAccessCheck(http);
        await check.StartAsync(CancellationToken.None);

        await check.ExecuteTask!;

        Assert.Equal([TimeSpan.Zero, TimeSpan.Zero], http.SentAt);
        Assert.Equal(401, check.Verdict.KibanaStatus);
    }

    private static FollowUpNote Note => new(SlackFollowUp.FollowUpKind, "https://hooks.slack.com/commands/T1/1/x", Start.AddMinutes(25), null);

    private static JournalEntry Entry => new(
        new AssignmentIntent("slack", "d-1", null, [new AlertRef("soc", "a-1")], [PersonRef.ForUid("u_bob_0")], [], null),
        DeliveryStatus.Pending, 1, Start, Start, Start, null, "h", ETag.All);

    /// <summary>Waits until the pipeline starts its next pause (or ends, which fails the test), then lets that pause pass.</summary>
    private async Task AdvanceAfterNextPauseAsync(Task running, TimeSpan pause)
    {
        var timer = _time.NextTimerAsync();
        Assert.Same(timer, await Task.WhenAny(timer, running));
        Assert.Equal(pause, await timer);
        _time.Advance(pause);
    }

    private SlackFollowUp CreateFollowUp(ScriptedHandler http) =>
        new(null!, Factory(http, SlackFollowUp.HttpClientName, null), Options.Create(new SlackOptions()), _time, NullLogger<SlackFollowUp>.Instance);

    private KibanaAccessCheck CreateAccessCheck(ScriptedHandler http)
    {
        var lifetime = new Mock<IHostApplicationLifetime>();
        lifetime.Setup(l => l.ApplicationStarted).Returns(new CancellationToken(canceled: true));
        return new KibanaAccessCheck(Factory(http, nameof(KibanaClient), new Uri("http://kibana.test/")), Options.Create(new KibanaOptions { Url = new Uri("http://kibana.test/") }),
            Options.Create(new TelemetryOptions { StartupCheck = true }), lifetime.Object, _time, NullLogger<KibanaAccessCheck>.Instance);
    }

    private static IHttpClientFactory Factory(HttpMessageHandler handler, string name, Uri? baseAddress)
    {
        var factory = new Mock<IHttpClientFactory>();
        factory.Setup(f => f.CreateClient(name)).Returns(() => new HttpClient(handler, disposeHandler: false) { BaseAddress = baseAddress });
        return factory.Object;
    }

    /// <summary>Answers the n-th request (1-based) as scripted and notes when, on the fake clock, each was sent.</summary>
    private sealed class ScriptedHandler(TimeProvider time, Func<int, HttpResponseMessage> answer) : HttpMessageHandler
    {
        private readonly List<TimeSpan> _sentAt = [];

        public IReadOnlyList<TimeSpan> SentAt
        {
            get
            {
                lock (_sentAt)
                {
                    return [.. _sentAt];
                }
            }
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            int n;
            lock (_sentAt)
            {
                _sentAt.Add(time.GetUtcNow() - Start);
                n = _sentAt.Count;
            }

            return Task.FromResult(answer(n));
        }
    }
}

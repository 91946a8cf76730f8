using System.Net;
using System.Text.Json;
using System.Text;
using AssignBridge.Kibana;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AssignBridge.Tests;

public sealed class KibanaBatcherTests : IDisposable
{
    private static readonly string[] s_alice = ["u_alice_0"];
    private static readonly string[] s_bob = ["u_bob_0"];

    private readonly FakeKibana _kibana = new();
    private readonly FakeTimeProvider _time = new();
    private readonly HttpClient _http;

    public KibanaBatcherTests()
    {
        _http = new HttpClient(_kibana) { BaseAddress = new Uri("http://kibana/") };
    }

    public void Dispose()
    {
        _http.Dispose();
        _kibana.Dispose();
    }

    [Fact]
    public async Task SetAssigneesAsync_ConcurrentSameSpaceAndSets_OneRequestOverTheUnion()
    {
        var batcher = Batcher(coalesceMilliseconds: 5_000, TimeProvider.System);
        var go = new TaskCompletionSource();

        var calls = Enumerable.Range(1, 5).Select(i => DeliverAsync(batcher, go.Task, "soc", [$"a{i}"], s_alice, [])).ToList();
        go.SetResult();
        var answers = await Task.WhenAll(calls);

        var request = Assert.Single(_kibana.Requests);
        Assert.Equal("/s/soc/api/detection_engine/signals/assignees", request.Path);
        Assert.Equal(["a1", "a2", "a3", "a4", "a5"], request.Ids.Order(StringComparer.Ordinal));
        Assert.All(answers, a => Assert.Equal((1, 1), (a.Total, a.Updated)));
    }

    [Fact]
    public async Task SetAssigneesAsync_DifferentSetsOrSpaces_SeparateRequests()
    {
        var batcher = Batcher(coalesceMilliseconds: 5_000, TimeProvider.System);
        var go = new TaskCompletionSource();

        var calls = new[]
        {
            DeliverAsync(batcher, go.Task, "soc", ["a1"], s_alice, []),
            DeliverAsync(batcher, go.Task, "soc", ["a2"], s_alice, s_bob),
            DeliverAsync(batcher, go.Task, "emea", ["a3"], s_alice, []),
            DeliverAsync(batcher, go.Task, "soc", ["a4"], s_alice, []),
        };
        go.SetResult();
        await Task.WhenAll(calls);

        Assert.Equal(3, _kibana.Requests.Count);
        Assert.Contains(_kibana.Requests, r => r.Ids.Order(StringComparer.Ordinal).SequenceEqual(["a1", "a4"]));
    }

    [Fact]
    public async Task SetAssigneesAsync_LoneDelivery_SentWithoutWaiting()
    {
        var batcher = Batcher(coalesceMilliseconds: 1_000, _time);

        var answer = await DeliverAsync(batcher, Task.CompletedTask, "default", ["a1"], s_alice, []).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, answer.Updated);
        Assert.Single(_kibana.Requests);
    }

    [Fact]
    public async Task SetAssigneesAsync_ExpectedDeliveryNeverArrives_WaitsAtMostCoalesceMilliseconds()
    {
        var time = new TimerSignallingTime(_time.GetUtcNow());
        var batcher = Batcher(coalesceMilliseconds: 50, time);
        using var stray = batcher.Expect(); // another delivery: announced, never calls

        var call = batcher.SetAssigneesAsync("default", ["a1"], s_alice, []);

        // Time moves only once the request's window has started: nothing goes out before it ends, and it does go out
        // when it ends, although the announced delivery never came.
        Assert.Equal(TimeSpan.FromMilliseconds(50), await time.NextTimerAsync());
        time.Advance(TimeSpan.FromMilliseconds(49));
        Assert.Empty(_kibana.Requests);
        time.Advance(TimeSpan.FromMilliseconds(1));

        await call;
        Assert.Single(_kibana.Requests);
    }

    [Fact]
    public async Task Expect_EndedWithoutACall_IsNoLongerWaitedFor()
    {
        // Fake time never advanced: were anyone still counted as on the way, the request below would never go out.
        var batcher = Batcher(coalesceMilliseconds: 60_000, _time);
        var announced = batcher.Expect(); // the intake, before journaling
        announced.Dispose();              // the attempt ended without reaching Kibana (nothing to apply)

        var answer = await batcher.SetAssigneesAsync("default", ["a1"], s_alice, []).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, answer.Updated);
        Assert.Single(_kibana.Requests);
        announced.Dispose(); // ending it twice changes nothing
    }

    [Fact]
    public async Task SetAssigneesAsync_ArrivingWhileRequestInFlight_ShareTheNextRequest()
    {
        var batcher = Batcher(coalesceMilliseconds: 0, _time);
        _kibana.Hold();

        var first = batcher.SetAssigneesAsync("default", ["a1"], s_alice, []);
        await _kibana.WaitForRequestsAsync(1);
        var later = new[] { "a2", "a3", "a4" }.Select(id => batcher.SetAssigneesAsync("default", [id], s_alice, [])).ToList();
        _kibana.Release();
        await first;
        await Task.WhenAll(later);

        Assert.Equal(2, _kibana.Requests.Count);
        Assert.Equal(["a2", "a3", "a4"], _kibana.Requests[1].Ids.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task SetAssigneesAsync_SharedRequestFails_EveryMemberGetsTheFailure()
    {
        var batcher = Batcher(coalesceMilliseconds: 5_000, TimeProvider.System);
        _kibana.Status = HttpStatusCode.ServiceUnavailable;
        var go = new TaskCompletionSource();

        var calls = Enumerable.Range(1, 3).Select(i => DeliverAsync(batcher, go.Task, "default", [$"a{i}"], s_alice, [])).ToList();
        go.SetResult();

        foreach (var call in calls)
        {
            var exception = await Assert.ThrowsAsync<KibanaRequestException>(() => call);
            Assert.True(exception.IsRetryable);
        }

        Assert.Single(_kibana.Requests);
    }

    [Fact]
    public async Task SetAssigneesAsync_SameOrderKey_SecondSentOnlyAfterFirstAnswered()
    {
        var batcher = Batcher(coalesceMilliseconds: 0, _time);
        _kibana.Hold();

        var first = batcher.SetAssigneesAsync("default", ["a1"], s_alice, [], orderKey: "jira:SOC-1");
        await _kibana.WaitForRequestsAsync(1);
        var second = batcher.SetAssigneesAsync("default", ["a1"], s_bob, s_alice, orderKey: "jira:SOC-1");
        Assert.Single(_kibana.Requests); // the second waits for the first's answer: nothing of it can be on its way yet
        Assert.False(second.IsCompleted);

        _kibana.Release();
        await Task.WhenAll(first, second);

        Assert.Equal(2, _kibana.Requests.Count);
        Assert.Equal(s_bob, _kibana.Requests[1].Add);
    }

    [Fact]
    public async Task SetAssigneesAsync_BreaksKibanaRules_ThrowsWithoutSending()
    {
        var batcher = Batcher(coalesceMilliseconds: 0, _time);

        await Assert.ThrowsAsync<ArgumentException>(() => batcher.SetAssigneesAsync("default", [" "], s_alice, []));
        await Assert.ThrowsAsync<ArgumentException>(() => batcher.SetAssigneesAsync("Not A Space", ["a1"], s_alice, []));

        Assert.Empty(_kibana.Requests);
    }

    [Fact]
    public async Task SetAssigneesAsync_UnionOverLimit_ChunkedByMaxIdsPerRequest()
    {
        var batcher = Batcher(coalesceMilliseconds: 5_000, TimeProvider.System, maxIds: 2);
        var go = new TaskCompletionSource();

        var calls = new[]
        {
            DeliverAsync(batcher, go.Task, "default", ["a1", "a2"], s_alice, []),
            DeliverAsync(batcher, go.Task, "default", ["a3"], s_alice, []),
        };
        go.SetResult();
        var answers = await Task.WhenAll(calls);

        Assert.Equal(2, _kibana.Requests.Count);
        Assert.All(_kibana.Requests, r => Assert.True(r.Ids.Count <= 2));
        Assert.Equal([2L, 1L], answers.Select(a => a.Updated));
    }

    /// <summary>One delivery as AssignmentService makes it: announced first, then (once <paramref name="go"/> completes) its change.</summary>
    private static async Task<UpdateByQueryResponse> DeliverAsync(KibanaBatcher batcher, Task go, string space, string[] ids, string[] add, string[] remove)
    {
        using var onItsWay = batcher.Expect();
        await go;
        return await batcher.SetAssigneesAsync(space, ids, add, remove, expected: onItsWay);
    }

    private KibanaBatcher Batcher(int coalesceMilliseconds, TimeProvider time, int maxIds = 500)
    {
        var options = Options.Create(new KibanaOptions { Url = new Uri("http://kibana/"), CoalesceMilliseconds = coalesceMilliseconds, MaxIdsPerRequest = maxIds });
        return new KibanaBatcher(new KibanaClient(_http, options), options, time, NullLogger<KibanaBatcher>.Instance);
    }

    private sealed record SeenRequest(string Path, IReadOnlyList<string> Ids, IReadOnlyList<string> Add);

    /// <summary>Answers the assignees route as Kibana does when every alert exists and is updated; can hold answers back.</summary>
    private sealed class FakeKibana : HttpMessageHandler
    {
        private readonly Lock _lock = new();
        private readonly List<SeenRequest> _requests = [];
        private TaskCompletionSource _gate = CompletedGate();
        private TaskCompletionSource _added = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;

        public IReadOnlyList<SeenRequest> Requests
        {
            get { lock (_lock) { return [.. _requests]; } }
        }

        public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _gate.TrySetResult();

        /// <summary>Completes once <paramref name="count"/> requests have arrived, woken by each one.</summary>
        public async Task WaitForRequestsAsync(int count)
        {
            while (true)
            {
                Task added;
                lock (_lock)
                {
                    if (_requests.Count >= count)
                    {
                        return;
                    }

                    added = _added.Task;
                }

                await added;
            }
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            using var body = JsonDocument.Parse(await request.Content!.ReadAsStringAsync(cancellationToken));
            var ids = body.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetString()!).ToList();
            var add = body.RootElement.GetProperty("assignees").GetProperty("add").EnumerateArray().Select(e => e.GetString()!).ToList();
            lock (_lock)
            {
                _requests.Add(new SeenRequest(request.RequestUri!.AbsolutePath, ids, add));
                _added.TrySetResult();
                _added = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            await _gate.Task.WaitAsync(cancellationToken);
            var json = Status == HttpStatusCode.OK
                ? $$"""{"total":{{ids.Count}},"updated":{{ids.Count}},"version_conflicts":0,"noops":0,"failures":[]}"""
                : """{"statusCode":503,"error":"Service Unavailable","message":"down"}""";
            return new HttpResponseMessage(Status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        }

        private static TaskCompletionSource CompletedGate()
        {
            var gate = new TaskCompletionSource();
            gate.SetResult();
            return gate;
        }
    }
}

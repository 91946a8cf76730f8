using System.Net;
using System.Text.Json;
using AssignBridge.Assignments;
using AssignBridge.Kibana;
using AssignBridge.Notifications;
using AssignBridge.People;
using AssignBridge.Platform.Caching;
using AssignBridge.Platform.Queues;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;





namespace AssignBridge.Tests;

public sealed class AssignmentNotifierTests
{
    private static readonly Uri Kibana = new("https://kibana.example.com/");

    [Fact]
    public void Compose_SlackOnePerson_MentionsThemAndLinksEachAlert()
    {
        var intent = new AssignmentIntent("slack", "d-1", "SOC-7", [new AlertRef("soc", "a-1"), new AlertRef("soc", "a<2>")], [new PersonRef("slack", "T1/U1ALICE")], [], "U0CALLER");
        var notice = new AssignedNotice("soc", ["a-1", "a<2>"], ["u_alice_0"], intent);

        var text = AssignmentNotifier.Compose(notice, Kibana, 10, slack: true);

        Assert.StartsWith("2 Kibana alerts in space 'soc' assigned to <@U1ALICE> (from SOC-7, asked by U0CALLER):", text, StringComparison.Ordinal);
        Assert.Contains("• <https://kibana.example.com/s/soc/app/security/alerts/redirect/a-1?index=.alerts-security.alerts-soc|a-1>", text, StringComparison.Ordinal);
        Assert.Contains("|a&lt;2&gt;>", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_TeamsManyAlerts_MarkdownLinksCappedAndCounted()
    {
        var ids = Enumerable.Range(1, 12).Select(i => $"a-{i}").ToList();
        var intent = new AssignmentIntent("api", "d-2", null, [.. ids.Select(i => new AlertRef("default", i))], [PersonRef.ForUid("u_bob_0")], [], null);

        var text = AssignmentNotifier.Compose(new AssignedNotice("default", ids, ["u_bob_0"], intent), Kibana, 10, slack: false);

        Assert.StartsWith("12 Kibana alerts in space 'default' assigned to Kibana user u_bob_0:", text, StringComparison.Ordinal);
        Assert.Contains("- [a-1](https://kibana.example.com/app/security/alerts/redirect/a-1?index=.alerts-security.alerts-default)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("a-11", text, StringComparison.Ordinal);
        Assert.EndsWith("…and 2 more.", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Handle_SameNoticeAgain_SentOnceUntilADayHasPassed()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));
        var posts = new CountingHandler();
        var factory = new Mock<IHttpClientFactory>();
        factory.Setup(f => f.CreateClient(AssignmentNotifier.HttpClientName)).Returns(() => new HttpClient(posts, disposeHandler: false));
        var queues = new Mock<QueueServiceClient>();
        queues.Setup(q => q.GetQueueClient(It.IsAny<string>())).Returns(Mock.Of<QueueClient>());
        using var sent = BoundedMemoryCache.Create(AssignmentNotifier.SentCapacity, time);
        var notifier = new AssignmentNotifier(queues.Object, factory.Object,
            Options.Create(new NotificationOptions { SlackWebhookUrl = new Uri("https://hooks.example.com/services/T/B/x") }),
            Options.Create(new QueueOptions()), Options.Create(new KibanaOptions { Url = Kibana }), sent, NullLogger<AssignmentNotifier>.Instance);
        var intent = new AssignmentIntent("api", "d-3", null, [new AlertRef("default", "a-1")], [PersonRef.ForUid("u_bob_0")], [], null);
        var message = JsonSerializer.Serialize(new AssignedNotice("default", ["a-1"], ["u_bob_0"], intent), NotificationJsonContext.Default.AssignedNotice);

        await notifier.HandleAsync(message, 1, CancellationToken.None);
        time.Advance(TimeSpan.FromHours(23));
        await notifier.HandleAsync(message, 2, CancellationToken.None);
        Assert.Equal(1, posts.Count);

        time.Advance(TimeSpan.FromHours(1));
        await notifier.HandleAsync(message, 3, CancellationToken.None);
        Assert.Equal(2, posts.Count);
    }

    private sealed class CountingHandler : HttpMessageHandler
    {
        public int Count { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Count++;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }
}

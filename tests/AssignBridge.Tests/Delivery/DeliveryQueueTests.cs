using AssignBridge.Delivery;
using AssignBridge.Platform.Queues;
using Azure.Storage.Queues.Models;
using Azure.Storage.Queues;
using Azure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace AssignBridge.Tests;

/// <summary>What follows an attempt on the queue: the back-off becomes the message's visibility delay (the queue client is the seam).</summary>
public sealed class DeliveryQueueTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly Mock<QueueClient> _queue = new();
    private readonly Mock<QueueClient> _poison = new();
    private readonly List<(string Queue, string Text, TimeSpan? Visible)> _sent = [];

    private DeliveryQueue Create()
    {
        foreach (var (mock, name) in new[] { (_queue, "deliveries"), (_poison, "deliveries-poison") })
        {
            mock.Setup(q => q.CreateIfNotExistsAsync(It.IsAny<IDictionary<string, string>>(), It.IsAny<CancellationToken>())).ReturnsAsync((Response)null!);
            mock.Setup(q => q.SendMessageAsync(It.IsAny<string>(), It.IsAny<TimeSpan?>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
                .Callback<string, TimeSpan?, TimeSpan?, CancellationToken>((text, visible, _, _) => _sent.Add((name, text, visible)))
                .ReturnsAsync(Response.FromValue(QueuesModelFactory.SendReceipt("id", _time.GetUtcNow(), _time.GetUtcNow(), "receipt", _time.GetUtcNow()), Mock.Of<Response>()));
            mock.Setup(q => q.SendMessageAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
                .Callback<string, CancellationToken>((text, _) => _sent.Add((name, text, null)))
                .ReturnsAsync(Response.FromValue(QueuesModelFactory.SendReceipt("id", _time.GetUtcNow(), _time.GetUtcNow(), "receipt", _time.GetUtcNow()), Mock.Of<Response>()));
        }

        var service = new Mock<QueueServiceClient>();
        service.Setup(s => s.GetQueueClient("deliveries")).Returns(_queue.Object);
        service.Setup(s => s.GetQueueClient("deliveries-poison")).Returns(_poison.Object);
        return new DeliveryQueue(service.Object, Options.Create(new QueueOptions { HeldRetries = 1_000 }), _time, NullLogger<DeliveryQueue>.Instance);
    }

    [Fact]
    public async Task Retrying_QueuedVisibleAtItsNextAttempt()
    {
        var queue = Create();

        await queue.AfterAttemptAsync(new DeliveryMessage("jira", "d-1"), new AttemptResult(DeliveryStatus.Retrying, null, "Kibana 503", _time.GetUtcNow().AddSeconds(90)));

        var (name, text, visible) = Assert.Single(_sent);
        Assert.Equal("deliveries", name);
        Assert.Equal(TimeSpan.FromSeconds(90), visible);
        Assert.Equal(("jira", "d-1", false), (DeliveryMessage.Parse(text)!.Source, DeliveryMessage.Parse(text)!.DeliveryId, DeliveryMessage.Parse(text)!.Early));
    }

    [Fact]
    public async Task Early_VisibleAtOnce_AndBackOffsBeyondTheQueuesLimitAreCapped()
    {
        var queue = Create();

        await queue.AfterAttemptAsync(new DeliveryMessage("slack", "d-2", Early: true), new AttemptResult(DeliveryStatus.Retrying, null, "out of time", _time.GetUtcNow().AddSeconds(30)));
        await queue.AfterAttemptAsync(new DeliveryMessage("api", "d-3"), new AttemptResult(DeliveryStatus.Retrying, null, "Kibana 429", _time.GetUtcNow().AddDays(30)));

        Assert.Equal(TimeSpan.Zero, _sent[0].Visible);
        Assert.True(_sent[1].Visible < TimeSpan.FromDays(7), "Azure Storage refuses a visibility timeout of 7 days or more");
    }

    [Fact]
    public async Task Dead_ToThePoisonQueue_AppliedAndRejected_NothingQueued()
    {
        var queue = Create();

        await queue.AfterAttemptAsync(new DeliveryMessage("api", "d-4"), new AttemptResult(DeliveryStatus.Dead, null, "spent", null));
        await queue.AfterAttemptAsync(new DeliveryMessage("api", "d-5"), new AttemptResult(DeliveryStatus.Applied, null, null, null));
        await queue.AfterAttemptAsync(new DeliveryMessage("api", "d-6"), new AttemptResult(DeliveryStatus.Rejected, null, "Kibana 400", null));

        var (name, text, _) = Assert.Single(_sent);
        Assert.Equal("deliveries-poison", name);
        Assert.Equal("d-4", DeliveryMessage.Parse(text)!.DeliveryId);
    }

    [Fact]
    public async Task KibanaDown_RetryHeld_ReleasedEarlyWhenAnAttemptAppliesAKibanaRequest()
    {
        var queue = Create();
        var deletes = new List<(string Id, string Receipt)>();
        _queue.Setup(q => q.DeleteMessageAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Callback<string, string, CancellationToken>((id, receipt, _) => deletes.Add((id, receipt)))
            .ReturnsAsync(Mock.Of<Response>());

        await queue.AfterAttemptAsync(new DeliveryMessage("jira", "d-1"), new AttemptResult(DeliveryStatus.Retrying, null, "Kibana 0: refused", _time.GetUtcNow().AddSeconds(40), KibanaDown: true));
        await queue.AfterAttemptAsync(new DeliveryMessage("jira", "d-2"), new AttemptResult(DeliveryStatus.Retrying, null, "Kibana 429", _time.GetUtcNow().AddSeconds(40)));
        Assert.Equal(1, queue.Held.Count);
        await queue.AfterAttemptAsync(new DeliveryMessage("jira", "d-3"), new AttemptResult(DeliveryStatus.Retrying, null, "Kibana 503", _time.GetUtcNow().AddSeconds(40), KibanaDown: true));
        Assert.Empty(deletes); // no Kibana request applied yet
        var sentBefore = _sent.Count;

        await queue.AfterAttemptAsync(new DeliveryMessage("jira", "d-4"), new AttemptResult(DeliveryStatus.Applied, null, null, null, KibanaAnswered: true));
        await queue.Held.WhenReleasedAsync();

        // The held message (one id in this seam, so the second replaced the first) deleted, and a copy sent, due now and Early.
        Assert.Equal(("id", "receipt"), Assert.Single(deletes));
        var (_, text, visible) = Assert.Single(_sent.Skip(sentBefore));
        Assert.Equal(TimeSpan.Zero, visible);
        Assert.Equal(("d-3", true), (DeliveryMessage.Parse(text)!.DeliveryId, DeliveryMessage.Parse(text)!.Early));
        Assert.Equal(0, queue.Held.Count);
    }

    [Fact]
    public async Task QueueUnavailable_FalseAndNothingThrown()
    {
        var queue = Create();
        _queue.Setup(q => q.SendMessageAsync(It.IsAny<string>(), It.IsAny<TimeSpan?>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RequestFailedException(503, "Server busy"));

        Assert.False(await queue.EnqueueAsync(new DeliveryMessage("api", "d-7"), TimeSpan.Zero));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("""{"source":"","deliveryId":"x"}""")]
    [InlineData("""{"deliveryId":"x"}""")]
    [InlineData("[]")]
    public void Parse_NotADeliveryMessage_Null(string text) => Assert.Null(DeliveryMessage.Parse(text));
}

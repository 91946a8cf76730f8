using AssignBridge.Delivery;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace AssignBridge.Tests;

public sealed class DeliveryJournalBackoffTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData(0, 15, 30)]
    [InlineData(1, 30, 60)]
    [InlineData(3, 120, 240)]
    [InlineData(10, 1_800, 3_600)]
    public void NextAttempt_ExponentialWithJitterCapped(int attemptsSoFar, int minSeconds, int maxSeconds)
    {
        var journal = CreateJournal();

        for (var i = 0; i < 200; i++)
        {
            var delay = journal.NextAttempt(attemptsSoFar, retryAfter: null) - _time.GetUtcNow();
            Assert.InRange(delay.TotalSeconds, minSeconds, maxSeconds);
        }
    }

    [Fact]
    public void NextAttempt_KibanasRetryAfterLonger_Honoured()
    {
        var journal = CreateJournal();

        var delay = journal.NextAttempt(0, TimeSpan.FromMinutes(10)) - _time.GetUtcNow();

        Assert.Equal(TimeSpan.FromMinutes(10), delay);
    }

    private DeliveryJournal CreateJournal()
    {
        var tables = new Mock<TableServiceClient>();
        tables.Setup(t => t.GetTableClient(It.IsAny<string>())).Returns(Mock.Of<TableClient>());
        return new DeliveryJournal(tables.Object, Options.Create(new JournalOptions { RetryBaseSeconds = 30, RetryMaxSeconds = 3_600 }), _time);
    }
}

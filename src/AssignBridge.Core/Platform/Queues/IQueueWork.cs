using Azure.Storage.Queues;

namespace AssignBridge.Platform.Queues;

/// <summary>What handling one message came to: <see cref="Unreadable"/> sends it to the poison queue; <see cref="Result"/> is the work's own account (for logs and tests).</summary>
internal sealed record QueueOutcome(bool Unreadable, object? Result = null)
{
    public static readonly QueueOutcome NotOurs = new(true);
}

/// <summary>
/// One queue and what handles its messages, as a queue-triggered function has them: the standalone poller feeds each
/// registered one. <see cref="HandleAsync"/> throws for a failure that may pass (the message is tried again) and
/// answers <see cref="QueueOutcome.NotOurs"/> for a message that never can be handled (it goes to the poison queue).
/// </summary>
internal interface IQueueWork
{
    QueueClient Queue { get; }

    QueueClient Poison { get; }

    Task<QueueOutcome> HandleAsync(string message, long dequeueCount, CancellationToken cancellationToken);
}

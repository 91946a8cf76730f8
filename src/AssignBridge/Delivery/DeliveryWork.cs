using AssignBridge.Platform.Queues;
using Azure.Storage.Queues;

namespace AssignBridge.Delivery;

/// <summary>The delivery queue's messages, for <see cref="DeliveryQueueHandler"/>; the outcome's result is its <see cref="QueueResult"/>.</summary>
internal sealed class DeliveryWork(DeliveryQueue queue, DeliveryQueueHandler handler, ILogger<DeliveryWork> logger) : IQueueWork
{
    public QueueClient Queue => queue.Queue;

    public QueueClient Poison => queue.Poison;

    public async Task<QueueOutcome> HandleAsync(string message, long dequeueCount, CancellationToken cancellationToken)
    {
        if (DeliveryMessage.Parse(message) is not { } delivery)
        {
            Log.UnreadableMessage(logger, message.Length);
            return QueueOutcome.NotOurs;
        }

        return new QueueOutcome(false, await handler.HandleAsync(delivery, dequeueCount, cancellationToken));
    }
}

namespace AssignBridge.Platform.Queues;

internal static partial class Log
{
    [LoggerMessage(4201, LogLevel.Warning, "The queue poller could not read the queue ({Reason}); it tries again.")]
    public static partial void PollFailed(ILogger logger, string reason);

    [LoggerMessage(4202, LogLevel.Warning, "Message {MessageId} of queue {Queue} failed {DequeueCount} times and went to the poison queue (a delivery's journal row is swept again by reconcile).")]
    public static partial void GaveUpOnMessage(ILogger logger, string queue, string messageId, long dequeueCount);

    [LoggerMessage(4203, LogLevel.Warning, "Message {MessageId} of queue {Queue} (dequeue {DequeueCount}) failed and is tried again later: {Reason}")]
    public static partial void HandlingFailed(ILogger logger, string queue, string messageId, long dequeueCount, string reason);
}

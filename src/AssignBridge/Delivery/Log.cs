namespace AssignBridge.Delivery;

internal static partial class Log
{
    [LoggerMessage(4001, LogLevel.Information, "Delivery {DeliveryId} from {Source}: attempt {Attempt} ended {Status} (journal written {Written}); cause: {Cause}.")]
    public static partial void Attempted(ILogger logger, string source, string deliveryId, int attempt, string status, bool written, string cause);
    [LoggerMessage(4002, LogLevel.Information, "Delivery {DeliveryId} from {Source} was delivered again; answered from the journal ({Status}).")]
    public static partial void Redelivered(ILogger logger, string source, string deliveryId, string status);
    [LoggerMessage(4003, LogLevel.Error, "Delivery {DeliveryId} from {Source} could not be journaled: {Reason}")]
    public static partial void NotRecorded(ILogger logger, string source, string deliveryId, string reason);
    [LoggerMessage(4004, LogLevel.Warning, "Delivery {DeliveryId} from {Source}: the attempt failed with {ExceptionType} (retryable {Retryable}): {Reason}")]
    public static partial void AttemptFailed(ILogger logger, string source, string deliveryId, string exceptionType, bool retryable, string reason);
    [LoggerMessage(4005, LogLevel.Error, "Delivery {DeliveryId} from {Source}: the attempt ended {Status} but the journal could not be written ({Reason}); the delivery is due again when its claim expires.")]
    public static partial void OutcomeNotWritten(ILogger logger, string source, string deliveryId, string status, string reason);
    [LoggerMessage(4006, LogLevel.Warning, "Delivery {DeliveryId} from {Source} refused: it cannot be journaled as it is ({Reason}).")]
    public static partial void Refused(ILogger logger, string source, string deliveryId, string reason);
    [LoggerMessage(4007, LogLevel.Debug, "Delivery {DeliveryId} from {Source} queued, visible in {DelaySeconds} s (follow-up {FollowUp}).")]
    public static partial void Enqueued(ILogger logger, string source, string deliveryId, long delaySeconds, bool followUp);
    [LoggerMessage(4008, LogLevel.Warning, "Delivery {DeliveryId} from {Source} could not be queued ({Reason}); the journal keeps it due and the reconcile sweep queues it again.")]
    public static partial void EnqueueFailed(ILogger logger, string source, string deliveryId, string reason);
    [LoggerMessage(4009, LogLevel.Warning, "Delivery {DeliveryId} from {Source} is dead; its message is in the poison queue: {Reason}")]
    public static partial void Poisoned(ILogger logger, string source, string deliveryId, string reason);
    [LoggerMessage(4010, LogLevel.Information, "Queue message for delivery {DeliveryId} from {Source} (dequeue {DequeueCount}): {Outcome}.")]
    public static partial void Handled(ILogger logger, string source, string deliveryId, long dequeueCount, string outcome);
    [LoggerMessage(4011, LogLevel.Warning, "A queue message that is not a delivery message was put in the poison queue ({Length} characters).")]
    public static partial void UnreadableMessage(ILogger logger, int length);
    [LoggerMessage(4012, LogLevel.Warning, "Delivery {DeliveryId} from {Source}: the managed-assignee and audit rows of {Effects} applied requests could not be written ({Reason}); the journal row keeps them and the reconcile sweep writes them.")]
    public static partial void ProjectionFailed(ILogger logger, string source, string deliveryId, int effects, string reason);
    [LoggerMessage(4013, LogLevel.Information, "The reconcile sweep wrote the managed-assignee and audit rows of {Deliveries} deliveries whose writing was cut off.")]
    public static partial void Projected(ILogger logger, int deliveries);
    [LoggerMessage(4014, LogLevel.Information, "Kibana answered again: {Released} retries waiting out a back-off were made due at once ({Gone} already taken; failure: {Failure}).")]
    public static partial void RetriesReleased(ILogger logger, int released, int gone, string failure);
    [LoggerMessage(1101, LogLevel.Warning, "Delivery {DeliveryId} from {Source} rejected: {Count} people unmapped and the policy is Reject.")]
    public static partial void RejectedUnmapped(ILogger logger, string source, string deliveryId, int count);
    [LoggerMessage(1102, LogLevel.Information, "Delivery {DeliveryId} from {Source}: {Status} after {Requests} Kibana requests.")]
    public static partial void Outcome(ILogger logger, string source, string deliveryId, string status, int requests);
}

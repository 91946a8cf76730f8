using AssignBridge.Platform.Queues;
using AssignBridge.Platform.Storage;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Options;

namespace AssignBridge.Delivery;

// The delivery queue and its poison queue (Azure Storage queues, Base64 messages as the host's trigger reads them).
// A delivery not applied inline is put here with its back-off as the message's visibility delay; one whose attempts
// are spent goes to the poison queue. A failed queue write is logged and not thrown: the journal row stays due and
// the reconcile sweep sends its message again. A retry that waits because Kibana was down is held (HeldRetries) and
// made due at once when Kibana applies a request again.
internal sealed class DeliveryQueue
{
    /// <summary>The longest visibility delay Azure Storage takes (7 days), less a margin.</summary>
    private static readonly TimeSpan MaxDelay = TimeSpan.FromDays(6);

    private readonly TimeProvider _time;
    private readonly ILogger<DeliveryQueue> _logger;
    private readonly QueuePair _queues;
    private readonly HeldRetries _held;

    public DeliveryQueue(QueueServiceClient queues, IOptions<QueueOptions> options, TimeProvider time, ILogger<DeliveryQueue> logger)
    {
        _queues = new QueuePair(queues, options.Value.Name);
        _time = time;
        _logger = logger;
        _held = new HeldRetries(_queues.Queue, options.Value.HeldRetries, logger);
    }

    /// <summary>The retries waiting for Kibana's return that this instance can release.</summary>
    public HeldRetries Held => _held;

    public QueueClient Queue => _queues.Queue;

    public QueueClient Poison => _queues.Poison;

    /// <summary>Sends <paramref name="message"/>, visible after <paramref name="delay"/>; false (logged) when the queue could not be written.</summary>
    public async Task<bool> EnqueueAsync(DeliveryMessage message, TimeSpan delay, CancellationToken cancellationToken = default) =>
        await SendAsync(message, delay, cancellationToken) is not null;

    private async Task<SendReceipt?> SendAsync(DeliveryMessage message, TimeSpan delay, CancellationToken cancellationToken)
    {
        // Queue Storage counts visibility in whole seconds and the client truncates: a wait of 0.4 s would be none, and a
        // message deferred until its back-off ends would come straight back. Rounded up instead.
        var visibleIn = delay <= TimeSpan.Zero ? TimeSpan.Zero : delay > MaxDelay ? MaxDelay : TimeSpan.FromSeconds(Math.Ceiling(delay.TotalSeconds));
        try
        {
            await _queues.EnsureAsync(cancellationToken);
            var receipt = (await Queue.SendMessageAsync(message.ToJson(), visibleIn, cancellationToken: cancellationToken)).Value;
            Log.Enqueued(_logger, message.Source, message.DeliveryId, (long)visibleIn.TotalSeconds, message.FollowUp is not null);
            return receipt;
        }
        catch (Exception exception) when (StorageGuard.Reason(exception, cancellationToken) is { } reason)
        {
            _queues.Forget();
            Log.EnqueueFailed(_logger, message.Source, message.DeliveryId, reason);
            return null;
        }
    }

    /// <summary>Puts <paramref name="message"/> in the poison queue; false (logged) when it could not be written.</summary>
    public async Task<bool> PoisonAsync(DeliveryMessage message, string reason, CancellationToken cancellationToken = default)
    {
        try
        {
            await _queues.EnsureAsync(cancellationToken);
            await Poison.SendMessageAsync(message.ToJson(), cancellationToken: cancellationToken);
            Log.Poisoned(_logger, message.Source, message.DeliveryId, reason);
            return true;
        }
        catch (Exception exception) when (StorageGuard.Reason(exception, cancellationToken) is { } failure)
        {
            _queues.Forget();
            Log.EnqueueFailed(_logger, message.Source, message.DeliveryId, $"poison queue: {failure}");
            return false;
        }
    }

    // What follows an attempt: a retrying delivery goes back on the queue, visible at its next attempt time (at once for
    // an Early one), and is held for Kibana's return when Kibana was down; a dead one goes to the poison queue. Nothing
    // for applied or rejected deliveries. An attempt that applied a Kibana request releases the held retries.
    public async Task AfterAttemptAsync(DeliveryMessage message, AttemptResult attempt)
    {
        if (attempt.KibanaAnswered)
        {
            _held.KibanaAnswered();
        }

        switch (attempt.Status)
        {
            case DeliveryStatus.Retrying:
                var delay = message.Early ? TimeSpan.Zero : (attempt.NextAttemptAt ?? _time.GetUtcNow()) - _time.GetUtcNow();
                if (await SendAsync(message, delay, CancellationToken.None) is { } receipt && attempt.KibanaDown && delay > TimeSpan.Zero)
                {
                    _held.Hold(receipt.MessageId, receipt.PopReceipt, message);
                }

                break;
            case DeliveryStatus.Dead:
                await PoisonAsync(message, attempt.Error ?? "the attempts are spent", CancellationToken.None);
                break;
        }
    }
}

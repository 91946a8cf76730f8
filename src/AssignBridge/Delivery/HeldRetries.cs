using System.Collections.Concurrent;
using AssignBridge.Platform.Storage;
using Azure.Storage.Queues;

namespace AssignBridge.Delivery;

// Retries waiting out a back-off because Kibana could not be reached (no answer, 408 or 5xx without a Retry-After).
// Their back-off exists so as not to hammer a Kibana that is down; once an attempt applies a Kibana request again,
// Kibana is back, and the rest of their wait protects nothing. Their queue messages (this instance sent them, so it
// holds their pop receipts) are then replaced by copies due at once and marked Early, so a backlog drains as soon as
// Kibana returns instead of as each back-off ends. A retry Kibana asked to wait for (429 with Retry-After) is never held.
// What this instance does not hold (another instance's messages, or beyond capacity, Queue:HeldRetries) waits out its
// back-off as before.
internal sealed class HeldRetries(QueueClient queue, int capacity, ILogger logger)
{

    /// <summary>Queue updates in flight at once while releasing.</summary>
    private const int Parallelism = 8;

    private readonly ConcurrentDictionary<string, Held> _held = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private Task _releasing = Task.CompletedTask;

    public int Count => _held.Count;

    /// <summary>Remembers a message sent with a back-off because Kibana was down; false when full.</summary>
    public bool Hold(string messageId, string popReceipt, DeliveryMessage message)
    {
        if (_held.Count >= capacity)
        {
            return false;
        }

        _held[messageId] = new Held(popReceipt, message);
        return true;
    }

    /// <summary>Kibana applied a request: releases every held message, in the background (one release at a time).</summary>
    public void KibanaAnswered()
    {
        if (_held.IsEmpty)
        {
            return;
        }

        lock (_gate)
        {
            if (_releasing.IsCompleted)
            {
                _releasing = Task.Run(ReleaseAsync);
            }
        }
    }

    /// <summary>Completes when no release is running (for tests and the bench).</summary>
    public Task WhenReleasedAsync()
    {
        lock (_gate)
        {
            return _releasing;
        }
    }

    private async Task ReleaseAsync()
    {
        var taken = new List<KeyValuePair<string, Held>>();
        foreach (var id in _held.Keys)
        {
            if (_held.TryRemove(id, out var held))
            {
                taken.Add(new(id, held));
            }
        }

        var released = 0;
        var gone = 0;
        string? failure = null;
        await Parallel.ForEachAsync(taken, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (item, cancellationToken) =>
        {
            var (id, held) = (item.Key, item.Value);
            try
            {
                // The waiting message deleted, then a copy due now. Updating it in place would be one request, but Azurite
                // (the tests and the bench) takes most of a second per update once the queue holds thousands of
                // messages, where a delete and a send stay cheap.
                await queue.DeleteMessageAsync(id, held.PopReceipt, cancellationToken);
            }
            catch (Azure.RequestFailedException exception) when (exception.Status is 404 or 400)
            {
                Interlocked.Increment(ref gone); // taken meanwhile (its back-off ended, or another instance): nothing to release
                return;
            }
            catch (Exception exception)
            {
                failure = StorageGuard.Reason(exception, cancellationToken) ?? exception.GetType().Name; // it waits out its back-off instead
                return;
            }

            try
            {
                await queue.SendMessageAsync((held.Message with { Early = true }).ToJson(), TimeSpan.Zero, cancellationToken: cancellationToken);
                Interlocked.Increment(ref released);
            }
            catch (Exception exception)
            {
                // The row is due without a message, as after any failed queue write: the reconcile sweep queues it again.
                failure = StorageGuard.Reason(exception, cancellationToken) ?? exception.GetType().Name;
            }
        });

        Log.RetriesReleased(logger, released, gone, failure ?? "none");
    }

    private sealed record Held(string PopReceipt, DeliveryMessage Message);
}

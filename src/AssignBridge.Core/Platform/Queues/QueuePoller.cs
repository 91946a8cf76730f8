using AssignBridge.Platform.Http;
using AssignBridge.Platform.Storage;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Options;

namespace AssignBridge.Platform.Queues;

// Stands in for the Functions host's queue listener when the app runs on its own (local runs, tests, a container): it
// feeds one IQueueWork (the delivery queue, the notice queue) with the host's semantics. A message is hidden while it is handled, deleted
// when handling returns, left to reappear after VisibilityTimeoutSeconds when it throws,
// and moved to the poison queue once it has been dequeued more than MaxDequeueCount times.
// Hand-written because the host's listener is not a library the app can run without the host.
internal sealed class QueuePoller(IQueueWork work, IOptions<QueueOptions> options, TimeProvider time, ILogger<QueuePoller> logger)
{
    // Handles the messages visible now, a batch at a time, until none is left; returns what each came to (null for a
    // message that failed or went to the poison queue). A message that becomes visible meanwhile (a retry due at
    // once) is taken in the same call.
    public async Task<IReadOnlyList<QueueOutcome?>> DrainAsync(CancellationToken cancellationToken)
    {
        var handled = new List<QueueOutcome?>();
        while (await PollOnceAsync(cancellationToken) is { Count: > 0 } batch)
        {
            handled.AddRange(batch);
        }

        return handled;
    }

    /// <summary>One batch: what each message taken came to (empty when the queue is empty or cannot be read).</summary>
    public async Task<IReadOnlyList<QueueOutcome?>> PollOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;

        var messages = await ReceiveAsync(settings.BatchSize, cancellationToken);
        return await Task.WhenAll(messages.Select(message => HandleAsync(message, cancellationToken)));
    }

    /// <summary>Up to <paramref name="count"/> messages, hidden while they are handled; none when the queue cannot be read.</summary>
    private async Task<QueueMessage[]> ReceiveAsync(int count, CancellationToken cancellationToken)
    {
        // Hidden for the longest an attempt may take plus a margin, as the host renews a message while its function runs.
        var hidden = TimeSpan.FromSeconds(options.Value.AttemptSeconds + 30);
        try
        {
            return (await work.Queue.ReceiveMessagesAsync(count, hidden, cancellationToken)).Value;
        }
        catch (Exception exception) when (StorageGuard.Reason(exception, cancellationToken) is { } reason)
        {
            Log.PollFailed(logger, reason);
            return [];
        }
    }

    private async Task<QueueOutcome?> HandleAsync(QueueMessage received, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var text = received.Body.ToString();
        QueueOutcome? result = null;
        try
        {
            if (received.DequeueCount > settings.MaxDequeueCount)
            {
                Log.GaveUpOnMessage(logger, work.Queue.Name, received.MessageId, received.DequeueCount - 1);
                await work.Poison.SendMessageAsync(text, cancellationToken);
            }
            else if ((result = await work.HandleAsync(text, received.DequeueCount, cancellationToken)).Unreadable)
            {
                await work.Poison.SendMessageAsync(text, cancellationToken);
                result = null;
            }

            await work.Queue.DeleteMessageAsync(received.MessageId, received.PopReceipt, cancellationToken);
            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the message reappears after its visibility timeout and is handled then.
        }
        catch (Exception exception)
        {
            // As the host does with a function that throws: the message is tried again after the visibility timeout.
            Log.HandlingFailed(logger, work.Queue.Name, received.MessageId, received.DequeueCount, $"{exception.GetType().Name}: {exception.Message}");
            try
            {
                await work.Queue.UpdateMessageAsync(received.MessageId, received.PopReceipt, visibilityTimeout: TimeSpan.FromSeconds(settings.VisibilityTimeoutSeconds), cancellationToken: CancellationToken.None);
            }
            catch (Exception update) when (StorageGuard.Reason(update, CancellationToken.None) is not null)
            {
                // It reappears when its hidden time ends instead.
            }
        }

        return null;
    }

    /// <summary>
    /// Polls until the app stops, as the host's listener does: the next batch is fetched as soon as no more than
    /// <see cref="QueueOptions.NewBatchThreshold"/> messages are still being handled, at once while there is work, backing
    /// off to the polling interval when the queue is empty.
    /// </summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var idle = TimeSpan.FromMilliseconds(100);
        var longest = TimeSpan.FromMilliseconds(settings.PollingIntervalMilliseconds);
        var running = new HashSet<Task>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                running.RemoveWhere(t => t.IsCompleted);
                if (running.Count > settings.NewBatchThreshold)
                {
                    await Task.WhenAny(running);
                    continue;
                }

                var taken = await ReceiveAsync(settings.BatchSize, stoppingToken);
                foreach (var message in taken)
                {
                    running.Add(HandleAsync(message, stoppingToken));
                }

                if (taken.Length > 0)
                {
                    idle = TimeSpan.FromMilliseconds(100);
                    continue;
                }

                // Empty: wait for the pause, or less when a running message ends (its retry may be due at once).
                var pause = Task.Delay(idle, time, stoppingToken);
                await (running.Count > 0 ? Task.WhenAny(Task.WhenAny(running), pause) : pause);
                idle = idle * 2 < longest ? idle * 2 : longest;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await Task.WhenAll(running); // each ends quietly on the stop: its message reappears after its hidden time
    }
}

/// <summary>Runs a <see cref="QueuePoller"/> for every <see cref="IQueueWork"/> in a standalone process once it listens, unless <see cref="QueueOptions.Poll"/> is off.</summary>
internal sealed class QueuePollerService(IServiceProvider services, IOptions<QueueOptions> options, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Poll || !await lifetime.WaitUntilListeningAsync(stoppingToken))
        {
            return;
        }

        await Task.WhenAll(services.GetServices<IQueueWork>().Select(work => ActivatorUtilities.CreateInstance<QueuePoller>(services, work).RunAsync(stoppingToken)));
    }
}

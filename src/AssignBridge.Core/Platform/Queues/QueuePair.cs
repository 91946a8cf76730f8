using Azure.Storage.Queues;

namespace AssignBridge.Platform.Queues;

// A queue and its poison queue, created on first use (nothing slow before the worker is ready) and again after a
// failed write (a queue deleted, an account recreated), as LazyTable does for tables.
internal sealed class QueuePair(QueueServiceClient queues, string name)
{
    private volatile bool _exists;

    public QueueClient Queue { get; } = queues.GetQueueClient(name);

    public QueueClient Poison { get; } = queues.GetQueueClient(name + "-poison");

    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (!_exists)
        {
            await Queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await Poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _exists = true;
        }
    }

    public void Forget() => _exists = false;
}

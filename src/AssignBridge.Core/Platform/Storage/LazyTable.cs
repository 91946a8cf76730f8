using Azure.Data.Tables;

namespace AssignBridge.Platform.Storage;

// A table created on first use rather than at start-up (the Functions host waits for the app to listen), and
// created again after storage reports it gone (Forget): a recreated account or a restarted
// emulator must not leave the bridge failing until it restarts.
internal sealed class LazyTable(TableClient client)
{
    private volatile bool _exists;

    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (!_exists)
        {
            await client.CreateIfNotExistsAsync(cancellationToken);
            _exists = true;
        }
    }

    public void Forget() => _exists = false;
}

using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using AssignBridge.Audit;
using AssignBridge.Assignments;
using AssignBridge.Platform.Storage;
using Azure;

namespace AssignBridge.Delivery;

// Writes the managed-assignee and audit rows of what Kibana applied. The attempt's outcome already holds them in the
// journal row (one request with the outcome, instead of one per table and partition before the sender could be
// answered), so they are written here just after, off the sender's wait, and the row is then marked projected. A
// projection cut off (the instance stopped, storage failed) is finished by the reconcile sweep from the row; writing
// twice is harmless, since every row has a key of its own that the same effect always gives.
internal sealed class EffectProjector(DeliveryJournal journal, ManagedAssignees managed, AuditLog audit, IEnumerable<IAppliedEffectsObserver> observers, ILogger<EffectProjector> logger) : IHostedService
{
    private readonly ConcurrentDictionary<Task, bool> _running = new();

    /// <summary>Starts writing the rows of <paramref name="effects"/>, carried by the row at <paramref name="etag"/>, and lets go of <paramref name="holds"/> once done.</summary>
    /// <param name="fresh">Keys of the effects this attempt applied: only they notify (those carried from before did, or could not).</param>
    public void Start(AssignmentIntent intent, ETag etag, IReadOnlyList<AppliedEffect> effects, IReadOnlySet<string> fresh, IReadOnlyList<IDisposable> holds)
    {
        var task = Task.Run(() => ProjectAsync(intent, etag, effects, fresh, holds));
        _running[task] = true;
        _ = task.ContinueWith(done => _running.TryRemove(done, out _), TaskScheduler.Default);
    }

    private async Task ProjectAsync(AssignmentIntent intent, ETag etag, IReadOnlyList<AppliedEffect> effects, IReadOnlySet<string> fresh, IReadOnlyList<IDisposable> holds)
    {
        try
        {
            foreach (var effect in effects)
            {
                await WriteAsync(intent, effect, fresh.Contains(effect.Key), CancellationToken.None);
            }

            await ObserveAsync(intent, effects, CancellationToken.None);
            await journal.MarkProjectedAsync(intent.Source, intent.DeliveryId, etag, CancellationToken.None);
        }
        catch (Exception exception)
        {
            // Nothing is lost: the journal row still carries them and is not marked projected.
            Log.ProjectionFailed(logger, intent.Source, intent.DeliveryId, effects.Count, StorageGuard.Reason(exception) ?? exception.Message);
        }
        finally
        {
            foreach (var hold in holds)
            {
                hold.Dispose();
            }
        }
    }

    /// <summary>Writes the rows of one effect: its managed assignees and its audit rows, side by side.</summary>
    public Task WriteAsync(AssignmentIntent intent, AppliedEffect effect, bool notify, CancellationToken cancellationToken) =>
        Task.WhenAll(
            managed.RecordAsync(effect.Space, effect.AlertIds, effect.Add, effect.Remove, intent, effect.At, cancellationToken),
            audit.RecordAppliedAsync(effect.Space, effect.AlertIds, effect.Add, effect.Remove, intent,
                new KibanaAnswer(200, effect.Total, effect.Updated, effect.VersionConflicts, effect.Noops, effect.Failures, null),
                effect.At, Unique(intent, effect), notify, cancellationToken));

    /// <summary>
    /// The reconcile sweep's part: writes the rows of up to <paramref name="max"/> deliveries whose projection was cut off
    /// more than <paramref name="after"/> ago. Returns how many were finished. Throws when the journal cannot be read.
    /// </summary>
    public async Task<int> SweepAsync(int max, TimeSpan after, CancellationToken cancellationToken)
    {
        var finished = 0;
        foreach (var entry in await journal.UnprojectedAsync(max, after, cancellationToken))
        {
            foreach (var effect in entry.Effects)
            {
                await WriteAsync(entry.Intent, effect, notify: false, cancellationToken); // a late notice would tell of an old change
            }

            await ObserveAsync(entry.Intent, entry.Effects, cancellationToken);

            await journal.MarkProjectedAsync(entry.Source, entry.DeliveryId, entry.ETag, cancellationToken);
            finished++;
        }

        if (finished > 0)
        {
            Log.Projected(logger, finished);
        }

        return finished;
    }

    private async Task ObserveAsync(AssignmentIntent intent, IReadOnlyList<AppliedEffect> effects, CancellationToken cancellationToken)
    {
        foreach (var observer in observers)
        {
            await observer.AppliedAsync(intent, effects, cancellationToken);
        }
    }

    /// <summary>Completes once every projection started so far has ended.</summary>
    public async Task WhenIdleAsync()
    {
        while (!_running.IsEmpty)
        {
            await Task.WhenAll(_running.Keys);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await WhenIdleAsync().WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Out of time to stop: the journal rows keep what is left, for the reconcile sweep.
        }
    }

    /// <summary>The audit row's own part of its key: the same for the same delivery and request, whichever attempt or sweep writes it.</summary>
    private static string Unique(AssignmentIntent intent, AppliedEffect effect) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{intent.Source}\n{intent.DeliveryId}\n{effect.Key}")))[..32];
}

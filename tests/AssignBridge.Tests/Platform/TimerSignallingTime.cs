using Microsoft.Extensions.Time.Testing;

namespace AssignBridge.Tests;

/// <summary>A fake clock that tells when a timer is started on it, and for how long, so a test moves time only once a pause has begun.</summary>
internal sealed class TimerSignallingTime(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly Lock _lock = new();
    private readonly Queue<TimeSpan> _started = [];
    private TaskCompletionSource<TimeSpan>? _waiter;

    public Task<TimeSpan> NextTimerAsync()
    {
        lock (_lock)
        {
            if (_started.TryDequeue(out var due))
            {
                return Task.FromResult(due);
            }

            _waiter = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
            return _waiter.Task;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        lock (_lock)
        {
            if (_waiter is { } waiter)
            {
                _waiter = null;
                waiter.SetResult(dueTime);
            }
            else
            {
                _started.Enqueue(dueTime);
            }
        }

        return timer;
    }
}

namespace KibanaSimulator;

/// <summary>
/// Wakes whoever waits whenever what they watch changes, so that a test waits for a state, not for time: no polling,
/// no clock. <see cref="WaitForAsync"/> returns once its condition holds (a hung wait is ended by the test run's hang timeout).
/// </summary>
public sealed class ChangeSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Changed() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public async Task WaitForAsync(Func<bool> condition)
    {
        while (true)
        {
            var next = Volatile.Read(ref _next); // taken before the look, so a change in between is not missed
            if (condition())
            {
                return;
            }

            await next.Task;
        }
    }
}

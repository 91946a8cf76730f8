using Microsoft.Extensions.Options;

namespace AssignBridge.Hosting;

// Checks every validated settings section once as the host starts, before Kestrel listens, so that a bad setting
// stops the app with a message naming it. The sections are those of AppOptions, whose generated binders
// and validators are called directly: the verdicts of ValidateOnStart, without building the options machinery
// of every type through dependency injection before the host's first GET / (docs/performance.md). Each
// section is validated again when first used.
internal sealed class StartupOptionsCheck(IConfiguration configuration) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        Check(configuration);
        return Task.CompletedTask;
    }

    /// <summary>Binds and validates each section; returns the options types checked (one failure: its exception; several: all of them).</summary>
    /// <exception cref="OptionsValidationException">A section is invalid.</exception>
    /// <exception cref="AggregateException">Several sections are invalid.</exception>
    public static IReadOnlyList<Type> Check(IConfiguration configuration)
    {
        var checkedTypes = new List<Type>();
        var failures = new List<OptionsValidationException>();
        foreach (var entry in AppOptions.All)
        {
            checkedTypes.Add(entry.OptionsType);
            if (entry.Validate(configuration) is { } failure)
            {
                failures.Add(failure);
            }
        }

        if (failures.Count == 1)
        {
            throw failures[0];
        }

        if (failures.Count > 1)
        {
            throw new AggregateException(failures);
        }

        return checkedTypes;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

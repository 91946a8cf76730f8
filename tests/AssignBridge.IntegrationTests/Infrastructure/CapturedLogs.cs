using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AssignBridge.IntegrationTests.Infrastructure;

/// <summary>Every log line the bridge writes, with its structured values, so tests can prove what is (not) logged.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly KibanaSimulator.ChangeSignal _changes = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines, _changes);

    /// <summary>Completes once <paramref name="condition"/> holds over the lines, looked at again after every line written.</summary>
    public Task WaitForAsync(Func<IReadOnlyList<string>, bool> condition) => _changes.WaitForAsync(() => condition(Lines));

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines, KibanaSimulator.ChangeSignal changes) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            lines.Enqueue($"{logLevel} {category} [{eventId.Id}] {formatter(state, exception)} | {values} | {exception}");
            changes.Changed();
        }
    }
}

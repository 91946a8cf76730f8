using AssignBridge.People;
using Microsoft.Extensions.Options;

namespace AssignBridge.Cli;

/// <summary>Where commands write, and the services built once, on first need, so <c>--help</c> needs no configuration.</summary>
internal sealed class CommandConsole(TextWriter output, TextWriter error, Func<IServiceProvider> buildServices)
{
    private IServiceProvider? _services;

    public TextWriter Output => output;

    public TextWriter Error => error;

    /// <summary>True when stderr is a terminal of this process (not a file, a pipe or a test's writer).</summary>
    public bool ErrorIsTerminal => ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;

    public IServiceProvider Services => _services ??= buildServices();

    /// <summary>Runs a command; configuration and storage failures become one line on stderr and exit code 2, never a stack trace.</summary>
    public async Task<int> RunAsync(Func<IServiceProvider, Task<int>> command)
    {
        try
        {
            return await command(Services);
        }
        catch (Exception exception) when (exception is OptionsValidationException or InvalidOperationException or Azure.RequestFailedException
            or PeopleUnavailableException or AggregateException or HttpRequestException or IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"Failed: {exception.Message}");
            return 2;
        }
    }
}

using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace KibanaSimulator;

/// <summary>The demo command line; the simulator is a test tool, so a hand-rolled parser is enough.</summary>
internal sealed record CommandLine(int Port, List<string> ApiKeys, List<string> ReadOnlyApiKeys, string? SeedFile)
{
    internal const string Usage =
        "usage: KibanaSimulator [--port 5601] [--api-key KEY]... [--read-only-api-key KEY]... [--seed alerts.json]\n" +
        "  seed file: [{\"space\":\"default\",\"id\":\"alert-1\",\"assignees\":[\"u_1\"]}]";

    internal static bool TryParse(string[] args, [NotNullWhen(true)] out CommandLine? commandLine, [NotNullWhen(false)] out string? error)
    {
        commandLine = new CommandLine(5601, [], [], null);
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (i + 1 >= args.Length)
            {
                error = $"'{args[i]}' needs a value.";
                break;
            }

            var value = args[++i];
            switch (args[i - 1])
            {
                case "--port" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535:
                    commandLine = commandLine with { Port = port };
                    break;
                case "--api-key":
                    commandLine.ApiKeys.Add(value);
                    break;
                case "--read-only-api-key":
                    commandLine.ReadOnlyApiKeys.Add(value);
                    break;
                case "--seed":
                    commandLine = commandLine with { SeedFile = value };
                    break;
                default:
                    error = $"Unknown option or bad value: '{args[i - 1]} {value}'.";
                    break;
            }

            if (error is not null)
            {
                break;
            }
        }

        if (error is not null)
        {
            commandLine = null;
            return false;
        }

        return true;
    }
}

internal static partial class Log
{
    [LoggerMessage(9000, LogLevel.Information,
        "Kibana simulator listening on {Address} ({ApiKeyCount} API key(s), {ReadOnlyKeyCount} read-only, {AlertCount} seeded alert(s)); control API at {Address}_simulator/")]
    internal static partial void Listening(ILogger logger, Uri address, int apiKeyCount, int readOnlyKeyCount, int alertCount);
}

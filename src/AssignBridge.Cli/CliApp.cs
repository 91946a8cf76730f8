using System.CommandLine;
using System.CommandLine.Help;

namespace AssignBridge.Cli;

/// <summary>The commands of the <c>assignbridge</c> tool: <c>people</c>, <c>audit</c> and <c>send</c>.</summary>
internal static class CliApp
{
    /// <summary>The tool's command (ToolCommandName in AssignBridge.Cli.csproj).</summary>
    public const string ToolName = "assignbridge";

    /// <param name="services">
    /// The services commands use, built on first need; by default the core's over the settings of the chosen
    /// environment (<see cref="CliHost"/>). Tests hand in a running bridge's.
    /// </param>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, Func<IServiceProvider>? services = null)
    {
        var environment = new Option<string?>("--environment", "-e")
        {
            Description = "The settings to read: appsettings.{environment}.json beside the tool, then environment variables. " +
                "Default DOTNET_ENVIRONMENT; with neither, and no storage configured, Development (Azurite and the local secrets).",
            Recursive = true,
        };
        ParseResult? parsed = null;
        var console = new CommandConsole(output, error, services ?? (() => CliHost.BuildServices(CliHost.LoadConfiguration(parsed!.GetValue(environment), error))));
        // A command of the tool's name rather than a RootCommand, which takes the name of the assembly the tool runs.
        var root = new Command(ToolName, "AssignBridge administration: the people mapping table, the audit trail, and sample deliveries sent to a bridge.")
        {
            new HelpOption(),
            new VersionOption(),
            PeopleCommands.Build(console),
            AuditCommands.Build(console),
            SendCommand.Build(console),
        };
        root.Options.Add(environment);
        parsed = root.Parse(args);
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
    }
}

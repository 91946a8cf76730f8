using System.Text.Json;
using KibanaSimulator;

// Demo entry point: dotnet run --project tests/KibanaSimulator -- --port 5601 --api-key KEY --seed FILE
if (!CommandLine.TryParse(args, out var commandLine, out var error))
{
    await Console.Error.WriteLineAsync($"{error}\n{CommandLine.Usage}");
    return 2;
}

var options = new SimulatorOptions();
commandLine.ApiKeys.ForEach(options.ApiKeys.Add);
commandLine.ReadOnlyApiKeys.ForEach(options.ReadOnlyApiKeys.Add);
var state = new KibanaState();
var seeded = 0;
if (commandLine.SeedFile is { } seedFile)
{
    try
    {
        await using var seed = File.OpenRead(seedFile);
        seeded = ControlEndpoints.Seed(state, await ControlEndpoints.ReadSeedAsync(seed, CancellationToken.None));
    }
    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
    {
        await Console.Error.WriteLineAsync($"Cannot seed from '{seedFile}': {ex.Message}");
        return 2;
    }
}

var app = SimulatorHost.Build(options, state, commandLine.Port, quiet: false);
app.Lifetime.ApplicationStarted.Register(() => Log.Listening(
    app.Logger, SimulatorHost.BaseAddress(app), options.ApiKeys.Count, options.ReadOnlyApiKeys.Count, seeded));
await app.RunAsync();
return 0;

// ASP.NET Core 10 makes a top-level Program public; the integration tests also reference the
// bridge, whose WebApplicationFactory<Program> must not see two public Program types.
internal sealed partial class Program;

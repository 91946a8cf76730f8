using System.Globalization;
using JiraSimulator;

// Demo entry point: dotnet run --project tests/JiraSimulator -- --port 8080 --api-token EMAIL:TOKEN --pat TOKEN:USER --issue KEY:user1,user2
const string Usage = "usage: JiraSimulator [--port 8080] [--api-token EMAIL:TOKEN]... [--pat TOKEN:USER]... [--issue KEY[:ASSIGNABLE,...]]...";
var options = new JiraSimulatorOptions();
var state = new JiraState();
var port = 8080;
for (var i = 0; i < args.Length; i += 2)
{
    var value = i + 1 < args.Length ? args[i + 1] : null;
    var (name, rest) = value?.Split(':', 2) is [var a, var b] ? (a, b) : (value, null);
    var ok = (args[i], value, rest) switch
    {
        ("--port", not null, _) => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535,
        ("--api-token", not null, not null) => options.CloudApiTokens.TryAdd(name!, rest),
        ("--pat", not null, not null) => options.PersonalAccessTokens.TryAdd(name!, rest),
        ("--issue", not null, _) => Seed(name!, rest),
        _ => false,
    };
    if (!ok)
    {
        await Console.Error.WriteLineAsync($"Bad option '{args[i]} {value}'.\n{Usage}");
        return 2;
    }
}

var app = JiraSimulatorHost.Build(options, state, port, quiet: false);
await app.RunAsync();
return 0;

bool Seed(string key, string? assignable)
{
    state.SeedIssue(key, assignableUsers: assignable?.Split(',', StringSplitOptions.RemoveEmptyEntries));
    return true;
}

// The integration tests also reference the bridge, whose WebApplicationFactory<Program> must not see two public Program types.
internal sealed partial class Program;

using System.Globalization;
using ServiceNowSimulator;

// Demo entry point: dotnet run --project tests/ServiceNowSimulator -- --port 8081 --user NAME:PASSWORD --client ID:SECRET:USER --record incident/SYS_ID
const string Usage = "usage: ServiceNowSimulator [--port 8081] [--user NAME:PASSWORD]... [--client ID:SECRET:USER]... [--record TABLE/SYS_ID]...";
var options = new ServiceNowSimulatorOptions();
var state = new ServiceNowState();
var port = 8081;
for (var i = 0; i < args.Length; i += 2)
{
    var value = i + 1 < args.Length ? args[i + 1] : null;
    var ok = (args[i], value?.Split(':'), value?.Split('/')) switch
    {
        ("--port", _, _) => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535,
        ("--user", [var name, var password], _) => options.BasicUsers.TryAdd(name, password) && Seed("sys_user", name),
        ("--client", [var id, var secret, var user], _) => options.OAuthClients.TryAdd(id, new OAuthClient(secret, user)),
        ("--record", _, [var table, var sysId]) => Seed(table, sysId),
        _ => false,
    };
    if (!ok)
    {
        await Console.Error.WriteLineAsync($"Bad option '{args[i]} {value}'.\n{Usage}");
        return 2;
    }
}

var app = ServiceNowSimulatorHost.Build(options, state, port, quiet: false);
await app.RunAsync();
return 0;

bool Seed(string table, string sysId)
{
    if (table == "sys_user")
    {
        state.SeedUser(sysId, sysId);
    }
    else
    {
        state.SeedRecord(table, sysId);
    }

    return true;
}

// The integration tests also reference the bridge, whose WebApplicationFactory<Program> must not see two public Program types.
internal sealed partial class Program;

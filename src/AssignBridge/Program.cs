using AssignBridge.Hosting;

// The people and audit commands are the assignbridge tool's (src/AssignBridge.Cli): say so rather than start the bridge.
if (HostingExtensions.MovedToTheTool(args) is { } moved)
{
    Console.Error.WriteLine(moved);
    return 2;
}

// The Functions host passes --functions-uri; without the host, FunctionsApplication cannot start (it needs the
// host's endpoint), so the same handlers run as a plain ASP.NET Core app (functions-isolated-worker.md).
if (HostingExtensions.StartedByFunctionsHost(args))
{
    await FunctionsApp.Build(args).RunAsync();
}
else
{
    try
    {
        await AssignBridgeApp.Build(args).RunAsync();
    }
    catch (IOException exception) when (exception.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
    {
        // Kestrel's own message names the address; the stack trace would say nothing more to whoever started it.
        await Console.Error.WriteLineAsync($"{exception.Message} Another process listens there: stop it, or start the bridge on another port with --urls http://127.0.0.1:<port> (or ASPNETCORE_URLS).");
        return 1;
    }
}

return 0;

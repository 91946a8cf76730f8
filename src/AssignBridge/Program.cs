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
    await AssignBridgeApp.Build(args).RunAsync();
}

return 0;

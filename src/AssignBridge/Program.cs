using AssignBridge.Admin;
using AssignBridge.Hosting;







if (PeopleCommands.IsCommand(args))
{
    return await PeopleCommands.RunAsync(args, Console.Out, Console.Error, CliHost.BuildServices);
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

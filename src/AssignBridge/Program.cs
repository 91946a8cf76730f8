using AssignBridge.Hosting;
using AssignBridge.People;

if (PeopleCommands.IsCommand(args))
{
    return await PeopleCommands.RunAsync(args);
}

await AssignBridgeApp.Build(args).RunAsync();
return 0;

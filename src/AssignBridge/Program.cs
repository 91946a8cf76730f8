using AssignBridge.Assignments;
using AssignBridge.Hosting;
using AssignBridge.People;

if (PeopleCommands.IsCommand(args))
{
    return await PeopleCommands.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
builder.ListenWhereTheHostExpects();
builder.Services.AddAssignBridge(builder.Configuration, builder.Environment);

var app = builder.Build();
app.UseAssignBridgeErrors();
app.MapHosting();
app.MapAssignments();

await app.RunAsync();
return 0;

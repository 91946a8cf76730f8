using AssignBridge.Cli;

return await CliApp.RunAsync(args, Console.Out, Console.Error);

// ASP.NET Core 10 makes a top-level Program public; the tests reference the bridge too, whose Program must stay the only public one.
internal sealed partial class Program;

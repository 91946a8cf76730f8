using AssignBridge.Functions;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration.Json;

namespace AssignBridge.Hosting;

// The app under the Functions host (isolated worker with ASP.NET Core integration): the same services as the
// standalone app; the functions in this folder stand for its routes, the timer and the queue listener.
internal static class FunctionsApp
{
    public static IHost Build(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);

        // The app's own appsettings.json (its log filters keep request URLs out of logs) under every other source,
        // read from the app's folder whatever the working directory the host chose.
        var appSettings = new JsonConfigurationSource { Path = Path.Combine(AppContext.BaseDirectory, "appsettings.json"), Optional = true };
        appSettings.ResolveFileProvider();
        builder.Configuration.Sources.Insert(0, appSettings);
        builder.ConfigureFunctionsWebApplication();

        // Problem answers for what escapes a function (a body that stops arriving, a failure nobody foresaw), as the
        // standalone app's exception handler gives them; the host alone would answer 500 with an empty body.
        builder.UseMiddleware<HttpProblemMiddleware>();
        builder.Services.AddAssignBridge(builder.Configuration);
        return builder.Build();
    }
}

using AssignBridge.Hosting;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;

namespace AssignBridge.Functions;

/// <summary>
/// The app under the Functions host (isolated worker with ASP.NET Core integration): the same services as the
/// standalone app; the functions in this folder stand for its routes, the timer and the queue listener.
/// </summary>
internal static class FunctionsApp
{
    public static IHost Build(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();

        // Problem answers for what escapes a function (a body that stops arriving, a failure nobody foresaw), as the
        // standalone app's exception handler gives them; the host alone would answer 500 with an empty body.
        builder.UseMiddleware<HttpProblemMiddleware>();
        builder.Services.AddAssignBridge(builder.Configuration);
        return builder.Build();
    }
}

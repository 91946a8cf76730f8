namespace AssignBridge.Hosting;

/// <summary>The services of the administration commands (<c>AssignBridge people …</c>, <c>AssignBridge audit …</c>).</summary>
internal static class CliHost
{
    /// <summary>The services the app itself uses, built from its configuration (appsettings, environment) without starting anything.</summary>
    internal static IServiceProvider BuildServices()
    {
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Production";
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = environment,
        });
        builder.Logging.ClearProviders(); // stdout carries the command's answer
        builder.Services.AddAssignBridge(builder.Configuration);
        return builder.Build().Services;
    }
}

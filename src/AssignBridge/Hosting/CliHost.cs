namespace AssignBridge.Hosting;

/// <summary>The services of the administration commands (<c>AssignBridge people …</c>, <c>AssignBridge audit …</c>).</summary>
internal static class CliHost
{
    /// <summary>The services the app itself uses, built from its configuration (appsettings, environment) without starting anything.</summary>
    internal static IServiceProvider BuildServices() =>
        BuildServices(Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Production");

    // In Development the host checks that every service can be built: a local run's CLI calls stop there otherwise.
    internal static IServiceProvider BuildServices(string environment)
    {
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

namespace AssignBridge.Hosting;

/// <summary>The services of the administration commands (<c>AssignBridge people …</c>, <c>AssignBridge audit …</c>).</summary>
internal static class CliHost
{
    /// <summary>The services the app itself uses, built from its configuration (appsettings, environment) without starting anything.</summary>
    internal static IServiceProvider BuildServices() => BuildServices(null);

    /// <param name="settings">Settings that win over the app's configuration (tests).</param>
    internal static IServiceProvider BuildServices(IDictionary<string, string?>? settings)
    {
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Production";
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = environment,
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Logging.ClearProviders(); // stdout carries the command's answer
        builder.Services.AddAssignBridge(builder.Configuration);
        return builder.Build().Services;
    }
}

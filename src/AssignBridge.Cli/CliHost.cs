using AssignBridge.Hosting;
using AssignBridge.Platform.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AssignBridge.Cli;

/// <summary>
/// The settings and services of a command, read as the bridge reads them: <c>appsettings.json</c>, then
/// <c>appsettings.{Environment}.json</c> (both the bridge's own files, shipped beside the tool), the user secrets in
/// Development, then environment variables (<c>Section__Key</c>).
/// </summary>
internal static class CliHost
{
    public const string EnvironmentVariable = "DOTNET_ENVIRONMENT";
    public const string AspNetCoreEnvironmentVariable = "ASPNETCORE_ENVIRONMENT";

    // The app's UserSecretsId (src/AssignBridge/AssignBridge.csproj): a developer's local secrets serve both.
    private const string UserSecretsId = "assignbridge";

    /// <summary>
    /// The environment is <paramref name="environment"/> (<c>--environment</c>), else <c>DOTNET_ENVIRONMENT</c>, else
    /// <c>ASPNETCORE_ENVIRONMENT</c>. When none is given and the Production settings name no storage, the tool is on a
    /// developer's machine: the Development settings apply (Azurite, the local secrets) and stderr says so.
    /// </summary>
    /// <param name="variable">Reads an environment variable (a seam for tests).</param>
    public static IConfiguration LoadConfiguration(string? environment, TextWriter error, Func<string, string?>? variable = null)
    {
        variable ??= Environment.GetEnvironmentVariable;
        var chosen = NonEmpty(environment) ?? NonEmpty(variable(EnvironmentVariable)) ?? NonEmpty(variable(AspNetCoreEnvironmentVariable));
        if (chosen is not null)
        {
            return Build(chosen);
        }

        var production = Build(Environments.Production);
        if (StorageConfigured(production))
        {
            return production;
        }

        error.WriteLine("assignbridge: no environment given (--environment, DOTNET_ENVIRONMENT) and no storage configured: using the Development settings (Azurite at UseDevelopmentStorage=true, the local secrets).");
        return Build(Environments.Development);
    }

    /// <summary>The core's services over <paramref name="configuration"/>; nothing is started, nothing logs (stdout carries the command's answer).</summary>
    public static ServiceProvider BuildServices(IConfiguration configuration, bool validate = false)
    {
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddLogging();
        services.AddAssignBridgeCore(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = validate, ValidateScopes = validate });
    }

    private static IConfigurationRoot Build(string environment)
    {
        var builder = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{environment}.json", optional: true);
        if (string.Equals(environment, Environments.Development, StringComparison.OrdinalIgnoreCase))
        {
            builder.AddUserSecrets(UserSecretsId);
        }

        return builder.AddEnvironmentVariables().Build();
    }

    private static bool StorageConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[$"{StorageOptions.SectionName}:{nameof(StorageOptions.ConnectionString)}"])
        || !string.IsNullOrWhiteSpace(configuration[$"{StorageOptions.SectionName}:{nameof(StorageOptions.TableServiceUri)}"]);

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

using AssignBridge.Cli;
using AssignBridge.People;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AssignBridge.Tests.Cli;

/// <summary>The tool's settings and services: the bridge's settings files and environment, the core's services without a host.</summary>
public sealed class CliHostTests
{
    [Fact]
    public void BuildServices_DevelopmentSettings_EveryServiceBuilds()
    {
        using var error = new StringWriter();

        using var services = CliHost.BuildServices(CliHost.LoadConfiguration("Development", error, _ => null), validate: true);

        Assert.NotNull(services.GetService<PeopleDirectory>());
        Assert.NotNull(services.GetService<AssignBridge.Audit.AuditLog>());
        Assert.Equal("", error.ToString());
    }

    [Fact]
    public void LoadConfiguration_NoEnvironmentNoStorage_UsesDevelopmentAndSaysSo()
    {
        using var error = new StringWriter();

        var configuration = CliHost.LoadConfiguration(null, error, _ => null);

        Assert.Equal("UseDevelopmentStorage=true", configuration["Storage:ConnectionString"]);
        Assert.Contains("using the Development settings", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void LoadConfiguration_EnvironmentVariable_WinsAndNothingIsSaid()
    {
        using var error = new StringWriter();

        var configuration = CliHost.LoadConfiguration(null, error, name => name == CliHost.EnvironmentVariable ? "Production" : null);

        Assert.Null(configuration["Storage:ConnectionString"]);
        Assert.Equal("", error.ToString());
    }

    [Fact]
    public void LoadConfiguration_Option_WinsOverTheVariable()
    {
        using var error = new StringWriter();

        var configuration = CliHost.LoadConfiguration("Development", error, _ => "Production");

        Assert.Equal("local-dev-token", configuration["Assignments:Tokens:0"]);
    }
}

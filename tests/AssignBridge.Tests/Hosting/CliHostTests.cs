using AssignBridge.Hosting;

namespace AssignBridge.Tests;

/// <summary>The CLI's host has no routing: every service the app registers must still build there, as Development checks on build.</summary>
public sealed class CliHostTests
{
    [Fact]
    public void BuildServices_Development_EveryServiceBuildsWithoutRouting()
    {
        var services = CliHost.BuildServices("Development");

        Assert.NotNull(services.GetService(typeof(AssignBridge.People.PeopleDirectory)));
        (services as IDisposable)?.Dispose();
    }
}

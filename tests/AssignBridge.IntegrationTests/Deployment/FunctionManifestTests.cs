using System.Text.Json.Nodes;
using AssignBridge.IntegrationTests.Infrastructure;

namespace AssignBridge.IntegrationTests.Deployment;

/// <summary>
/// Keeps host.json and the function.json manifests in step with the routes the app maps: on Azure a route without a
/// manifest is unreachable, and a manifest without a route is a function that always fails.
/// </summary>
public sealed class FunctionManifestTests
{
    /// <summary>The only anonymous function: health names causes, never secrets (ARCHITECTURE.md "Public surface").</summary>
    private static readonly HashSet<string> s_anonymousFunctions = new(StringComparer.Ordinal) { "Health" };

    [Fact]
    public async Task Routes_EveryMappedRoute_HasAManifest()
    {
        var manifestRoutes = FunctionManifest.LoadAll().SelectMany(m => m.Routes()).ToHashSet();

        var routes = await AppRoutes.PublicAndFunctionRoutesAsync();

        Assert.NotEmpty(routes);
        var missing = routes.Where(route => !manifestRoutes.Contains(route)).Select(r => r.ToString()).ToList();
        var reserved = missing.Where(route => route.Contains(" /api/admin", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0,
            $"Mapped without a function.json, so unreachable on Azure: {string.Join(", ", missing)}. Add src/AssignBridge/functions/<Name>/function.json " +
            "(httpTrigger with authLevel, methods and the route without the 'api/' prefix, plus an 'http' output; or the trigger of a POST /<Name> invocation)." +
            (reserved.Count == 0 ? string.Empty : $" {string.Join(", ", reserved)} cannot get one: the Functions host refuses function routes that start with 'admin' " +
                "(\"The specified route conflicts with one or more built in routes.\"), whatever the routePrefix; move them off /api/admin/."));
    }

    [Fact]
    public void Manifests_HttpRoutes_AvoidTheHostsReservedAdminPrefix()
    {
        // The host validates function routes against its own /admin API and puts the function in error, before routePrefix
        // applies (azure-functions-host ScriptHost route validation: "admin/foo/bar" is refused).
        var offending = FunctionManifest.LoadAll()
            .Where(m => m.IsHttp && (m.Trigger["route"]?.GetValue<string>() ?? m.Name).Split('/')[0].Equals("admin", StringComparison.OrdinalIgnoreCase))
            .Select(m => m.Name)
            .ToList();

        Assert.Empty(offending);
    }

    [Fact]
    public async Task Manifests_EveryManifest_HasAMappedRoute()
    {
        var routes = (await AppRoutes.PublicAndFunctionRoutesAsync()).ToHashSet();

        var orphans = FunctionManifest.LoadAll()
            .SelectMany(manifest => manifest.Routes().Where(route => !routes.Contains(route)).Select(route => $"{manifest.Name}: {route}"))
            .ToList();

        Assert.True(orphans.Count == 0, $"function.json without a route in the app: {string.Join(", ", orphans)}.");
    }

    [Fact]
    public void Manifests_HttpFunctions_AreForwardableAndBehindTheFunctionKeyUnlessHealth()
    {
        foreach (var manifest in FunctionManifest.LoadAll().Where(m => m.IsHttp))
        {
            // Forwarding applies only to exactly one httpTrigger plus one http output (functions-custom-handlers.md §1).
            Assert.Equal(2, manifest.Bindings.Count);
            Assert.Single(manifest.Bindings, b => b["type"]!.GetValue<string>() == "http" && b["direction"]!.GetValue<string>() == "out");
            Assert.NotNull(manifest.Trigger["methods"]);
            var route = manifest.Trigger["route"]!.GetValue<string>();
            Assert.False(route.StartsWith("api/", StringComparison.OrdinalIgnoreCase), $"{manifest.Name}: the route must not repeat the 'api' prefix.");
            Assert.DoesNotContain("{*", route, StringComparison.Ordinal);

            var expected = s_anonymousFunctions.Contains(manifest.Name) ? "anonymous" : "function";
            Assert.True(expected == manifest.Trigger["authLevel"]?.GetValue<string>(), $"{manifest.Name}: authLevel must be '{expected}'.");
        }
    }

    [Fact]
    public void Manifests_Reconcile_TimerScheduleComesFromTheAppSetting()
    {
        var reconcile = FunctionManifest.Load(Path.Combine(FunctionManifest.Directory, "Reconcile"));

        Assert.Equal("timerTrigger", reconcile.TriggerType);
        Assert.Equal("%Reconcile__Schedule%", reconcile.Trigger["schedule"]!.GetValue<string>());
        Assert.False(reconcile.Trigger["runOnStartup"]!.GetValue<bool>());
    }

    [Fact]
    public void HostJson_CustomHandler_StartsThePublishedExecutableAndForwardsHttp()
    {
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "host.json")))!;

        Assert.Equal("2.0", host["version"]!.GetValue<string>());
        Assert.Equal("app/AssignBridge", host["customHandler"]!["description"]!["defaultExecutablePath"]!.GetValue<string>());
        Assert.True(host["customHandler"]!["enableForwardingHttpRequest"]!.GetValue<bool>());
        Assert.Equal(FunctionManifest.RoutePrefix, host["extensions"]!["http"]!["routePrefix"]!.GetValue<string>());
        Assert.Equal("Microsoft.Azure.Functions.ExtensionBundle", host["extensionBundle"]!["id"]!.GetValue<string>());
        Assert.NotNull(host["functionTimeout"]);
    }
}

using System.Text.Json.Nodes;
using AssignBridge.IntegrationTests.Infrastructure;

namespace AssignBridge.IntegrationTests.Deployment;

/// <summary>One function as the Functions SDK wrote it into functions.metadata at build time.</summary>
public sealed record FunctionEntry(string Name, IReadOnlyList<JsonObject> Bindings)
{
    public JsonObject Trigger => Bindings.Single(b => b["direction"]?.GetValue<string>() == "In" && b["type"]!.GetValue<string>().EndsWith("Trigger", StringComparison.Ordinal));

    public string TriggerType => Trigger["type"]!.GetValue<string>();

    public bool IsHttp => TriggerType == "httpTrigger";

    /// <summary>"METHOD /api/route" for each method, as the host serves it (routePrefix "api").</summary>
    public IEnumerable<NamedRoute> Routes() => IsHttp
        ? Trigger["methods"]!.AsArray().Select(m => new NamedRoute(Name, m!.GetValue<string>().ToUpperInvariant(), AppRoutes.Normalize($"api/{Trigger["route"]!.GetValue<string>()}")))
        : [];
}

/// <summary>The functions.metadata the build writes beside the app (the same file goes into the package).</summary>
public static class FunctionsMetadata
{
    /// <summary>The app's build output of the configuration these tests were built in (bin/&lt;Configuration&gt;/net10.0).</summary>
    public static string PathOfBuild
    {
        get
        {
            var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var configuration = framework.Parent!.Name;
            return Path.Combine(RepositoryPaths.Root, "src", "AssignBridge", "bin", configuration, framework.Name, "functions.metadata");
        }
    }

    public static IReadOnlyList<FunctionEntry> Load(string? path = null)
    {
        var file = path ?? PathOfBuild;
        Assert.True(File.Exists(file), $"{file} is missing: the Functions SDK writes it when src/AssignBridge builds.");
        return [.. JsonNode.Parse(File.ReadAllText(file))!.AsArray().Select(f => new FunctionEntry(
            f!["name"]!.GetValue<string>(),
            [.. f["bindings"]!.AsArray().Select(b => b!.AsObject())]))];
    }
}

using System.Text.Json.Nodes;
using AssignBridge.IntegrationTests.Infrastructure;

namespace AssignBridge.IntegrationTests.Deployment;

/// <summary>A function.json under src/AssignBridge/functions/&lt;Name&gt;/, read as the Functions host reads it.</summary>
public sealed record FunctionManifest(string Name, JsonObject Trigger, IReadOnlyList<JsonObject> Bindings)
{
    public const string RoutePrefix = "api";

    public static string Directory => Path.Combine(RepositoryPaths.Root, "src", "AssignBridge", "functions");

    public string TriggerType => Trigger["type"]!.GetValue<string>();

    public bool IsHttp => string.Equals(TriggerType, "httpTrigger", StringComparison.Ordinal);

    /// <summary>
    /// The requests this function makes the host send to the app: forwarded HTTP requests keep their public path
    /// (/api/&lt;route&gt;, route defaulting to the function name); any other trigger becomes POST /&lt;Name&gt;
    /// (functions-custom-handlers.md §2, §3a, §3b).
    /// </summary>
    public IReadOnlyList<AppRoute> Routes()
    {
        if (!IsHttp)
        {
            return [new AppRoute("POST", AppRoutes.Normalize(Name))];
        }

        var route = Trigger["route"]?.GetValue<string>() ?? Name;
        var methods = Trigger["methods"]?.AsArray().Select(m => m!.GetValue<string>().ToUpperInvariant()).ToList() ?? ["*"];
        return [.. methods.Select(method => new AppRoute(method, AppRoutes.Normalize($"{RoutePrefix}/{route}")))];
    }

    public static IReadOnlyList<FunctionManifest> LoadAll() =>
        [.. System.IO.Directory.GetDirectories(Directory).Order(StringComparer.Ordinal).Select(Load)];

    public static FunctionManifest Load(string folder)
    {
        var file = Path.Combine(folder, "function.json");
        var root = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
        var bindings = root["bindings"]!.AsArray().Select(b => b!.AsObject()).ToList();
        var triggers = bindings.Where(b => b["type"]!.GetValue<string>().EndsWith("Trigger", StringComparison.Ordinal)).ToList();
        if (triggers.Count != 1)
        {
            throw new InvalidOperationException($"{file} must have exactly one trigger binding, not {triggers.Count}.");
        }

        return new FunctionManifest(Path.GetFileName(folder), triggers[0], bindings);
    }
}

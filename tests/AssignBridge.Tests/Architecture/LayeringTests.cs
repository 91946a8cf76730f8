using ArchUnitNET.Domain;
using ArchUnitNET.Fluent.Slices;
using ArchUnitNET.Loader;
using AssignBridge.Hosting;

namespace AssignBridge.Tests.Architecture;

/// <summary>
/// The layering of docs/architecture.md, checked on the compiled assemblies of the app and its core (every reference the
/// compiler emitted, not the <c>using</c> lines): features depend only downward, and no two folders depend on each other.
/// </summary>
public sealed class LayeringTests
{
    private static readonly Lazy<ArchUnitNET.Domain.Architecture> s_app = new(() => Load(typeof(AssignBridgeApp).Assembly, typeof(CoreServices).Assembly));

    /// <summary>Each layer with the namespaces (folders) in it, from the top down.</summary>
    internal static readonly (string Layer, string[] Namespaces)[] Layers =
    [
        ("hosting", ["AssignBridge", "AssignBridge.Hosting"]),
        ("admin", ["AssignBridge.Admin"]),
        ("ways in", ["AssignBridge.Functions", "AssignBridge.Sources", "AssignBridge.Sync", "AssignBridge.Commands", "AssignBridge.AssignmentsApi", "AssignBridge.Reconciliation", "AssignBridge.Health", "AssignBridge.Ingress"]),
        ("delivery pipeline", ["AssignBridge.Delivery"]),
        ("domain", ["AssignBridge.Assignments", "AssignBridge.Audit", "AssignBridge.Notifications", "AssignBridge.People", "AssignBridge.Kibana", "AssignBridge.Secrets"]),
        ("platform", ["AssignBridge.Platform"]),
    ];

    [Fact]
    public void Folders_AreFreeOfCycles()
    {
        var violations = Cycles(s_app.Value, "AssignBridge");
        Assert.True(violations.Count == 0, "Folders that depend on each other:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void TheCycleCheck_FindsADeliberateCycle()
    {
        // The same check over two namespaces of this test assembly that use each other (CycleFixture below).
        var fixture = Load(typeof(CycleFixture.Left.UsesRight).Assembly);
        var cycle = Assert.Single(Cycles(fixture, "AssignBridge.Tests.Architecture.CycleFixture"));
        Assert.Contains("Left", cycle, StringComparison.Ordinal);
        Assert.Contains("Right", cycle, StringComparison.Ordinal);
        Assert.DoesNotContain("Down", cycle, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryNamespace_BelongsToOneLayer()
    {
        var unplaced = AppTypes().Select(t => t.Namespace.FullName).Distinct().Where(ns => LayerOf(ns) is null).ToList();
        Assert.True(unplaced.Count == 0, "Namespaces in no layer: " + string.Join(", ", unplaced));
    }

    [Fact]
    public void Layers_DependOnlyDownward()
    {
        var upward = Edges()
            .Where(e => LayerOf(e.From) is { } from && LayerOf(e.To) is { } to && to < from)
            .Select(e => $"{e.From} ({Layers[LayerOf(e.From)!.Value].Layer}) -> {e.To} ({Layers[LayerOf(e.To)!.Value].Layer}): {e.Example}")
            .Distinct()
            .ToList();
        Assert.True(upward.Count == 0, "Dependencies that point up:\n" + string.Join("\n", upward));
    }

    [Fact]
    public void NothingButHosting_DependsOnAdmin()
    {
        var onAdmin = Edges()
            .Where(e => InNamespace(e.To, "AssignBridge.Admin") && !InNamespace(e.From, "AssignBridge.Admin") && LayerOf(e.From) != 0)
            .Select(e => $"{e.From} -> {e.To}: {e.Example}")
            .Distinct()
            .ToList();
        Assert.True(onAdmin.Count == 0, "Admin is used by: " + string.Join("\n", onAdmin));
    }

    [Fact]
    public void Platform_DependsOnNoFeature()
    {
        var onFeatures = Edges()
            .Where(e => InNamespace(e.From, "AssignBridge.Platform") && !InNamespace(e.To, "AssignBridge.Platform"))
            .Select(e => $"{e.From} -> {e.To}: {e.Example}")
            .Distinct()
            .ToList();
        Assert.True(onFeatures.Count == 0, "Platform uses features: " + string.Join("\n", onFeatures));
    }

    internal static List<string> Cycles(ArchUnitNET.Domain.Architecture architecture, string root)
    {
        var rule = SliceRuleDefinition.Slices().Matching(root + ".(**)").Should().BeFreeOfCycles();
        return rule.Evaluate(architecture).Where(r => !r.Passed).Select(r => r.Description).ToList();
    }

    private static ArchUnitNET.Domain.Architecture Load(params System.Reflection.Assembly[] assemblies) => new ArchLoader().LoadAssemblies(assemblies).Build();

    private static IEnumerable<IType> AppTypes() =>
        s_app.Value.Types.Where(t => t.Namespace.FullName == "AssignBridge" || t.Namespace.FullName.StartsWith("AssignBridge.", StringComparison.Ordinal));

    private static IEnumerable<(string From, string To, string Example)> Edges() =>
        AppTypes().SelectMany(t => t.Dependencies
            .Select(d => d.Target)
            .Where(target => target is not GenericParameter) // a type parameter is no dependency (the loader files it under an arbitrary namespace)
            .Where(target => target.Namespace?.FullName is { } ns && ns != t.Namespace.FullName && LayerOf(ns) is not null)
            .Select(target => (t.Namespace.FullName, target.Namespace.FullName, $"{t.Name} uses {target.Name}")));

    private static bool InNamespace(string ns, string root) => ns == root || ns.StartsWith(root + ".", StringComparison.Ordinal);

    /// <summary>The index of a namespace's layer (0 is the top), or null outside the app.</summary>
    internal static int? LayerOf(string ns)
    {
        int? found = null;
        var longest = -1;
        for (var i = 0; i < Layers.Length; i++)
        {
            foreach (var root in Layers[i].Namespaces)
            {
                var matches = root == "AssignBridge" ? ns == root : InNamespace(ns, root);
                if (matches && root.Length > longest)
                {
                    (found, longest) = (i, root.Length);
                }
            }
        }

        return found;
    }
}

using System.Text.Json.Nodes;
using AssignBridge.IntegrationTests.Infrastructure;
using AssignBridge.Platform.Queues;
using Microsoft.Extensions.Configuration;

namespace AssignBridge.IntegrationTests.Deployment;

/// <summary>
/// The functions the build generated (functions.metadata) and the routes the standalone app maps are the same set,
/// compared both ways by name, method and path: a route without a function is unreachable on Azure, a function without
/// a route is one the tests never exercise. And host.json configures what the host does in the app's place.
/// </summary>
public sealed class FunctionsMetadataTests
{
    /// <summary>The only anonymous function: health names causes, never secrets (ARCHITECTURE.md "Public surface").</summary>
    private const string Anonymous = "GetHealth";

    [Fact]
    public async Task HttpFunctions_AndStandaloneRoutes_SameNamesMethodsAndPathsBothWays()
    {
        var functions = FunctionsMetadata.Load().SelectMany(f => f.Routes()).ToHashSet();
        var routes = (await AppRoutes.NamedRoutesAsync()).ToHashSet();

        var unreachable = routes.Except(functions).Select(r => r.ToString()).ToList();
        var untested = functions.Except(routes).Select(r => r.ToString()).ToList();

        Assert.True(unreachable.Count == 0, $"Standalone routes without a function of the same name, method and route (unreachable on Azure): {string.Join("; ", unreachable)}. Add a [Function] in src/AssignBridge/Functions/.");
        Assert.True(untested.Count == 0, $"Functions without a standalone route of the same name (never run by the tests): {string.Join("; ", untested)}.");
        Assert.True(routes.Count >= 16, $"only {routes.Count} routes were read");
        Assert.DoesNotContain(routes, r => r.Name == "(unnamed)");
    }

    [Fact]
    public void HttpFunctions_BehindTheFunctionKeyUnlessHealth_AnsweredThroughTheHttpResult()
    {
        foreach (var function in FunctionsMetadata.Load().Where(f => f.IsHttp))
        {
            var expected = function.Name == Anonymous ? "Anonymous" : "Function";
            Assert.True(expected == function.Trigger["authLevel"]?.GetValue<string>(), $"{function.Name}: authLevel must be {expected}.");
            var route = function.Trigger["route"]!.GetValue<string>();
            Assert.False(route.StartsWith("api/", StringComparison.OrdinalIgnoreCase), $"{function.Name}: the route must not repeat the 'api' prefix.");
            Assert.False(route.Split('/')[0].Equals("admin", StringComparison.OrdinalIgnoreCase), $"{function.Name}: the host reserves routes starting with 'admin'.");
            Assert.DoesNotContain("{*", route, StringComparison.Ordinal);
            Assert.Single(function.Bindings, b => b["type"]!.GetValue<string>() == "http" && b["direction"]!.GetValue<string>() == "Out");
        }
    }

    [Fact]
    public void TimerAndQueue_ScheduleFromTheSettingQueueOnTheHostsStorage()
    {
        var functions = FunctionsMetadata.Load().ToDictionary(f => f.Name, StringComparer.Ordinal);

        // The colon form: "%Reconcile__Schedule%" fails indexing (functions-isolated-worker.md "Timer").
        var timer = functions["Reconcile"].Trigger;
        Assert.Equal("timerTrigger", timer["type"]!.GetValue<string>());
        Assert.Equal("%Reconcile:Schedule%", timer["schedule"]!.GetValue<string>());
        Assert.False(timer["runOnStartup"]?.GetValue<bool>() ?? false);

        var queue = functions["ApplyDelivery"].Trigger;
        Assert.Equal("queueTrigger", queue["type"]!.GetValue<string>());
        Assert.Equal(QueueOptions.DefaultName, queue["queueName"]!.GetValue<string>());
        Assert.Equal("AzureWebJobsStorage", queue["connection"]!.GetValue<string>());
        var notices = functions["SendNotice"].Trigger;
        Assert.Equal(QueueOptions.DefaultNoticesName, notices["queueName"]!.GetValue<string>());
        Assert.Equal("AzureWebJobsStorage", notices["connection"]!.GetValue<string>());
        Assert.Equal(["ApplyDelivery", "Reconcile", "SendNotice"], functions.Values.Where(f => !f.IsHttp).Select(f => f.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void HostJson_ConfiguresTheHostsQueuesLikeTheStandalonePoller_AndNoCustomHandler()
    {
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "host.json")))!.AsObject();
        var defaults = new QueueOptions();

        Assert.Equal("2.0", host["version"]!.GetValue<string>());
        Assert.False(host.ContainsKey("customHandler"));
        Assert.False(host.ContainsKey("extensionBundle")); // the isolated worker brings its extensions (.azurefunctions/)
        Assert.Equal("api", host["extensions"]!["http"]!["routePrefix"]!.GetValue<string>());
        var queues = host["extensions"]!["queues"]!;
        Assert.Equal(defaults.MaxDequeueCount, queues["maxDequeueCount"]!.GetValue<int>());
        Assert.Equal(TimeSpan.FromSeconds(defaults.VisibilityTimeoutSeconds), TimeSpan.Parse(queues["visibilityTimeout"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(TimeSpan.FromMilliseconds(defaults.PollingIntervalMilliseconds), TimeSpan.Parse(queues["maxPollingInterval"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(defaults.BatchSize, queues["batchSize"]!.GetValue<int>());

        // A queued attempt ends (and writes its outcome) well before the host would cut the function off.
        var timeout = TimeSpan.Parse(host["functionTimeout"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(TimeSpan.FromSeconds(defaults.AttemptSeconds * 2) <= timeout, $"functionTimeout {timeout} leaves no room for Queue:AttemptSeconds {defaults.AttemptSeconds}.");
        Assert.NotNull(host["logging"]!["logLevel"]);
    }

    [Fact]
    public void LocalSettingsExample_HoldsWhatFuncStartNeeds_AndPassesTheStartupCheck()
    {
        var values = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "local.settings.example.json")))!["Values"]!.AsObject()
            .ToDictionary(p => p.Key, p => p.Value!.GetValue<string>(), StringComparer.Ordinal);

        Assert.Equal("dotnet-isolated", values["FUNCTIONS_WORKER_RUNTIME"]);
        Assert.Equal("UseDevelopmentStorage=true", values["AzureWebJobsStorage"]); // the timer's locks and the queue trigger
        Assert.Equal(values["AzureWebJobsStorage"], values["Storage__ConnectionString"]); // the app queues where the trigger listens
        foreach (var setting in new[] { "Kibana__Url", "Kibana__ApiKey", "Assignments__Tokens__0", "Jira__Secrets__0", "Jira__AutomationSecrets__0", "ServiceNow__Secrets__0", "Slack__SigningSecrets__0", "Teams__SecurityTokens__0", "Reconcile__Schedule" })
        {
            Assert.True(values.TryGetValue(setting, out var value) && value.Length > 0, $"local.settings.example.json lacks {setting}.");
        }

        Assert.Contains(values.Keys, key => key.StartsWith("Admin__Tokens__", StringComparison.Ordinal));

        // Read as the worker reads app settings (environment variables, "__" for ":"), every section is valid.
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(p => new KeyValuePair<string, string?>(p.Key.Replace("__", ":", StringComparison.Ordinal), p.Value)))
            .Build();
        Assert.Equal(20, AssignBridge.Hosting.StartupOptionsCheck.Check(configuration).Count);
    }

    [Fact]
    public void CustomHandlerGlue_IsGone()
    {
        var src = Path.Combine(RepositoryPaths.Root, "src", "AssignBridge");
        static bool Built(string path) => path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal) || path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal);
        Assert.DoesNotContain(Directory.GetFiles(src, "function.json", SearchOption.AllDirectories), path => !Built(path));
        var code = Directory.GetFiles(src, "*.cs", SearchOption.AllDirectories).Where(path => !Built(path)).Select(File.ReadAllText);
        Assert.DoesNotContain(code, text => text.Contains("FUNCTIONS_CUSTOMHANDLER_PORT", StringComparison.Ordinal) || text.Contains("\"/Reconcile\"", StringComparison.Ordinal));
    }
}

using System.Net;
using System.Text.Json.Nodes;
using AssignBridge.IntegrationTests.Infrastructure;
using KibanaSimulator;

namespace AssignBridge.IntegrationTests.Kibana;

/// <summary>
/// The start-up check (a harmless assignees request after Kestrel listens) and the readiness verdict of /api/health,
/// against the Kibana simulator: a read-only key gets 403 from the assignees route, an unknown key 401.
/// </summary>
[Collection("azurite")]
public sealed class StartupCheckTests(AzuriteFixture azurite)
{
    private static readonly Dictionary<string, string> s_on = new() { ["Telemetry:StartupCheck"] = "true" };

    [Fact]
    public async Task StartupCheck_KeyMayAssign_ReadyAndNothingChangedInKibana()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, s_on);
        bridge.Kibana.State.SeedAlert("default", "alert-1", "u_bob_0");

        var health = await SettledHealthAsync(bridge);

        Assert.Equal("ok", health["checks"]!["kibanaAccess"]!["status"]!.GetValue<string>());
        Assert.True(health["ready"]!.GetValue<bool>());
        Assert.Equal("healthy", health["status"]!.GetValue<string>());
        Assert.Equal(["u_bob_0"], bridge.Kibana.State.GetAssignees("default", "alert-1"));
        var probe = Assert.Single(bridge.Kibana.State.Requests, r => r.Path.EndsWith("/signals/assignees", StringComparison.Ordinal));
        Assert.Contains("assignbridge-probe-nonexistent", probe.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartupCheck_ReadOnlyKey_403VerdictNamesThePrivilegeAndNotReady()
    {
        var kibana = new SimulatorOptions();
        kibana.ApiKeys.Add("another-key-with-alerts-all");
        kibana.ReadOnlyApiKeys.Add(BridgeHarness.KibanaKey);
        await using var bridge = await BridgeHarness.StartAsync(azurite, s_on, kibana);

        var health = await SettledHealthAsync(bridge);

        var access = health["checks"]!["kibanaAccess"]!;
        Assert.Equal("failing", access["status"]!.GetValue<string>());
        Assert.Contains("may not assign alerts in space 'default' (403)", access["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("[alerts-all]", access["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("ok", health["checks"]!["kibana"]!["status"]!.GetValue<string>()); // /api/status accepts a read-only key: only the probe tells
        Assert.False(health["ready"]!.GetValue<bool>());
        Assert.Contains("may not assign alerts", health["verdict"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(bridge.Logs.Lines, line => line.StartsWith("Error", StringComparison.Ordinal) && line.Contains("[6002] Start-up check: assignments in space default will fail. Kibana answered 403", StringComparison.Ordinal));
        Assert.DoesNotContain(BridgeHarness.KibanaKey, health.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartupCheck_UnknownKey_401VerdictSaysTheKeyIsWrong()
    {
        var kibana = new SimulatorOptions();
        kibana.ApiKeys.Add("the-key-kibana-knows");
        await using var bridge = await BridgeHarness.StartAsync(azurite, s_on, kibana);

        var health = await SettledHealthAsync(bridge);

        var access = health["checks"]!["kibanaAccess"]!;
        Assert.Equal("failing", access["status"]!.GetValue<string>());
        Assert.Contains("Kibana refused the API key (401)", access["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(health["ready"]!.GetValue<bool>());
        Assert.Contains(bridge.Logs.Lines, line => line.Contains("[6002]", StringComparison.Ordinal) && line.Contains("401", StringComparison.Ordinal));
        Assert.DoesNotContain(BridgeHarness.KibanaKey, string.Join('\n', bridge.Logs.Lines), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kibana", "Kibana does not answer")]
    [InlineData("keyVault", "the Kibana API key cannot be read")]
    [InlineData("table", "Table Storage cannot be used")]
    public async Task Health_DependencyDown_AnswersNotReadyNamingTheCause(string dependency, string cause)
    {
        var settings = new Dictionary<string, string>(s_on) { ["Kibana:MaxRetries"] = "0" };
        switch (dependency)
        {
            case "kibana":
                settings["Kibana:Url"] = "http://127.0.0.1:9/";
                break;
            case "keyVault":
                settings["KeyVault:KibanaApiKeySecretName"] = "not-there";
                break;
            default:
                settings["Storage:ConnectionString"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;";
                break;
        }

        await using var bridge = await BridgeHarness.StartAsync(azurite, settings);

        var health = await HealthAsync(bridge);

        Assert.Equal("degraded", health["status"]!.GetValue<string>());
        Assert.Equal("failing", health["checks"]![dependency]!["status"]!.GetValue<string>());
        Assert.True(health["checks"]![dependency]!["latencyMs"]!.GetValue<long>() >= 0);
        Assert.False(health["ready"]!.GetValue<bool>());
        Assert.Contains(cause, health["verdict"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6", health.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_KibanaNotAnswering_AnsweredWhileTheCheckWaits()
    {
        // A Kibana that holds the probe far longer than the test runs, slow from before the bridge starts, and a
        // bridge that waits that long for it.
        var options = new SimulatorOptions();
        options.ApiKeys.Add(BridgeHarness.KibanaKey);
        await using var kibana = await RunningSimulator.StartAsync(options);
        kibana.State.Faults.Latency = TimeSpan.FromMinutes(10);
        var settings = new Dictionary<string, string>(s_on)
        {
            ["Kibana:Url"] = kibana.BaseAddress.ToString(),
            ["Kibana:AttemptTimeoutSeconds"] = "300",
            ["Kibana:TotalTimeoutSeconds"] = "600",
            ["Kibana:MaxRetries"] = "0",
        };
        await using var bridge = await BridgeHarness.StartAsync(azurite, settings);
        await kibana.State.WaitForAsync(_ => ProbeInFlight(kibana));

        // Nothing waits for the check: a request that needs no dependency is answered while the probe is held.
        using var anonymous = new HttpClient { BaseAddress = bridge.Client.BaseAddress };
        using var refused = await anonymous.PostAsync(new Uri("/api/assignments", UriKind.Relative), new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.True(ProbeInFlight(kibana), "the start-up check stopped waiting on Kibana before the request was answered");
    }

    [Theory]
    [InlineData("APPLICATIONINSIGHTS_CONNECTION_STRING", "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/")]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9")]
    public async Task Exporter_ConfiguredButUnreachable_HealthAndAssignmentsStillAnswer(string setting, string value)
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string> { [setting] = value, ["OTEL_EXPORTER_OTLP_TIMEOUT"] = "500" });
        bridge.Kibana.State.SeedAlert("default", "alert-1");

        using var root = await bridge.Client.GetAsync(new Uri("/api/health", UriKind.Relative));
        using var assigned = await bridge.Client.PostAsync(new Uri("/api/assignments", UriKind.Relative),
            new StringContent("""{"alertIds":["alert-1"],"add":["uid:u_alice_0"]}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, root.StatusCode);
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
    }

    internal static async Task<JsonObject> HealthAsync(BridgeHarness bridge)
    {
        using var client = new HttpClient { BaseAddress = bridge.Client.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        using var response = await client.GetAsync(new Uri("/api/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private static bool ProbeInFlight(RunningSimulator kibana) =>
        kibana.State.InFlight.Any(p => p.EndsWith("/signals/assignees", StringComparison.Ordinal));

    /// <summary>The health answer once the background start-up check has a verdict.</summary>
    private static async Task<JsonObject> SettledHealthAsync(BridgeHarness bridge)
    {
        // The check logs its verdict (6001 or 6002) once it holds it.
        await bridge.Logs.WaitForAsync(lines => lines.Any(line => line.Contains("[6001]", StringComparison.Ordinal) || line.Contains("[6002]", StringComparison.Ordinal)));
        return await HealthAsync(bridge);
    }
}

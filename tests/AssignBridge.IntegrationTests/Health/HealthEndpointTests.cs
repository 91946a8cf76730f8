using System.Net;
using System.Text.Json.Nodes;
using AssignBridge.IntegrationTests.Infrastructure;

namespace AssignBridge.IntegrationTests.Health;

[Collection("azurite")]
public sealed class HealthEndpointTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Health_AllDependenciesUp_HealthyWithoutSecrets()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);

        var (status, checks, text) = await GetHealthAsync(bridge);

        Assert.Equal("healthy", status);
        Assert.All(new[] { "table", "keyVault", "kibana" }, name => Assert.Equal("ok", checks[name]!["status"]!.GetValue<string>()));
        Assert.DoesNotContain(BridgeHarness.KibanaKey, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_KibanaDown_DegradedNamesKibana()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string> { ["Kibana:Url"] = "http://127.0.0.1:9/", ["Kibana:MaxRetries"] = "0" });

        var (status, checks, _) = await GetHealthAsync(bridge);

        Assert.Equal("degraded", status);
        Assert.Equal("failing", checks["kibana"]!["status"]!.GetValue<string>());
        Assert.Equal("ok", checks["table"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Health_SecretMissing_DegradedSaysWhichSecret()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string> { ["KeyVault:KibanaApiKeySecretName"] = "not-there" });

        var (status, checks, _) = await GetHealthAsync(bridge);

        Assert.Equal("degraded", status);
        Assert.Contains("'not-there' does not exist", checks["keyVault"]!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_TableUnreachable_DegradedNamesTheTable()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite, new Dictionary<string, string>
        {
            ["Storage:ConnectionString"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;",
        });

        var (status, checks, _) = await GetHealthAsync(bridge);

        Assert.Equal("degraded", status);
        Assert.Equal("failing", checks["table"]!["status"]!.GetValue<string>());
        Assert.Equal("ok", checks["kibana"]!["status"]!.GetValue<string>());
    }

    private static async Task<(string Status, JsonObject Checks, string Text)> GetHealthAsync(BridgeHarness bridge)
    {
        using var client = new HttpClient { BaseAddress = bridge.Client.BaseAddress };
        using var response = await client.GetAsync(new Uri("/api/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var body = JsonNode.Parse(text)!;
        return (body["status"]!.GetValue<string>(), body["checks"]!.AsObject(), text);
    }
}

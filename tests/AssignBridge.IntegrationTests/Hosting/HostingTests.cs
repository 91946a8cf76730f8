using System.Net.Sockets;
using System.Net;
using AssignBridge.Hosting;

namespace AssignBridge.IntegrationTests.Hosting;

public sealed class HostingTests
{
    [Theory]
    [InlineData(true, "--host", "127.0.0.1", "--port", "50123", "--workerId", "7d1f", "--requestId", "9e2a", "--grpcMaxMessageLength", "2147483647", "--functions-uri", "http://127.0.0.1:50123/", "--functions-worker-id", "7d1f")]
    [InlineData(true, "--functions-uri=http://127.0.0.1:50123/")]
    [InlineData(false, "--urls=http://127.0.0.1:7071")]
    [InlineData(false)]
    [InlineData(false, "--Kibana:Url=http://example/?x=--functions-uri")]
    public void FunctionsHost_RecognisedByTheArgumentItPasses(bool expected, params string[] args)
    {
        // functions-isolated-worker.md "How the host starts the worker": the command line, not the environment, tells.
        Assert.Equal(expected, HostingExtensions.StartedByFunctionsHost(args));
    }

    [Fact]
    public async Task Standalone_ListensWhereToldAndServesHealth()
    {
        var port = FreePort();
        await using var app = AssignBridgeApp.Build(
        [
            $"--urls=http://127.0.0.1:{port}",
            "--Kibana:Url=http://127.0.0.1:9/",
            "--Storage:ConnectionString=UseDevelopmentStorage=true",
            "--Queue:Poll=false",
        ]);
        await app.StartAsync();

        using var client = new HttpClient();
        using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{port}/api/health"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([$"http://127.0.0.1:{port}"], app.Urls);
        await app.StopAsync();
    }

    [Fact]
    public void UnresolvedKeyVaultReference_StartupStopsNamingTheSetting()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => AssignBridgeApp.Build(
        [
            "--urls=http://127.0.0.1:0",
            "--Kibana:Url=http://127.0.0.1:9/",
            "--Storage:ConnectionString=UseDevelopmentStorage=true",
            "--Assignments:Tokens:0=@Microsoft.KeyVault(SecretUri=https://vault.example/secrets/assignments-token/)",
        ]));

        Assert.Contains("Assignments:Tokens:0", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LocalApiKeyOnAzure_StartupRefuses()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => AssignBridgeApp.Build(
        [
            "--urls=http://127.0.0.1:0",
            "--Kibana:Url=http://127.0.0.1:9/",
            "--Kibana:ApiKey=plain-key",
            "--WEBSITE_SITE_NAME=assignbridge-prod",
            "--Storage:ConnectionString=UseDevelopmentStorage=true",
        ]));

        Assert.Contains("local runs only", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingKibanaUrl_StartupFailsNamingTheSetting()
    {
        await using var app = AssignBridgeApp.Build(["--urls=http://127.0.0.1:0", "--Storage:ConnectionString=UseDevelopmentStorage=true"]);

        var exception = await Assert.ThrowsAnyAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("Kibana:Url", exception.Message, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

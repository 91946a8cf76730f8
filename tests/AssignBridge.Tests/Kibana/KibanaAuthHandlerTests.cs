using System.Net;
using AssignBridge.Kibana;
using AssignBridge.Secrets;
using Azure.Security.KeyVault.Secrets;
using Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;

namespace AssignBridge.Tests;

public sealed class KibanaAuthHandlerTests
{
    private readonly Mock<SecretClient> _secrets = new();
    private string _vaultValue = "key-1";
    private int _vaultReads;

    public KibanaAuthHandlerTests()
    {
        _secrets
            .Setup(s => s.GetSecretAsync("kibana-api-key", null, It.IsAny<CancellationToken>()))
            .ReturnsAsync(() =>
            {
                _vaultReads++;
                var secret = SecretModelFactory.KeyVaultSecret(SecretModelFactory.SecretProperties(name: "kibana-api-key", version: _vaultValue), _vaultValue);
                return Response.FromValue(secret, Mock.Of<Response>());
            });
    }

    [Fact]
    public async Task SendAsync_KeyAccepted_SendsApiKeyScheme()
    {
        var kibana = new RecordingKibana(acceptedKey: "key-1");
        using var client = CreateClient(kibana);

        using var response = await client.GetAsync(new Uri("http://kibana/api/status"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["ApiKey key-1"], kibana.AuthorizationHeaders);
    }

    [Fact]
    public async Task SendAsync_401AfterRotation_RereadsKeyOnceAndSucceeds()
    {
        var kibana = new RecordingKibana(acceptedKey: "key-2");
        using var client = CreateClient(kibana);
        _vaultValue = "key-1";
        await client.GetAsync(new Uri("http://kibana/api/status")); // caches key-1, which Kibana now refuses
        kibana.AuthorizationHeaders.Clear();
        _vaultValue = "key-2";

        using var response = await client.GetAsync(new Uri("http://kibana/api/status"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["ApiKey key-1", "ApiKey key-2"], kibana.AuthorizationHeaders);
    }

    [Fact]
    public async Task SendAsync_401AndNoNewerKey_Returns401WithoutLooping()
    {
        var kibana = new RecordingKibana(acceptedKey: "something-else");
        using var client = CreateClient(kibana);

        using var response = await client.GetAsync(new Uri("http://kibana/api/status"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Single(kibana.AuthorizationHeaders);
        Assert.Equal(2, _vaultReads);
    }

    private HttpClient CreateClient(RecordingKibana kibana)
    {
        var provider = new KibanaApiKeyProvider(_secrets.Object, new ConfigurationBuilder().Build(),
            Options.Create(new KeyVaultOptions { Uri = new Uri("https://vault.example/") }), TimeProvider.System, NullLogger<KibanaApiKeyProvider>.Instance);
        return new HttpClient(new KibanaAuthHandler(provider, NullLogger<KibanaAuthHandler>.Instance) { InnerHandler = kibana });
    }

    /// <summary>Stands in for Kibana at the handler seam: 200 for the accepted key, 401 otherwise.</summary>
    private sealed class RecordingKibana(string acceptedKey) : HttpMessageHandler
    {
        public List<string> AuthorizationHeaders { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var header = request.Headers.Authorization?.ToString() ?? "";
            AuthorizationHeaders.Add(header);
            return Task.FromResult(new HttpResponseMessage(header == $"ApiKey {acceptedKey}" ? HttpStatusCode.OK : HttpStatusCode.Unauthorized));
        }
    }
}

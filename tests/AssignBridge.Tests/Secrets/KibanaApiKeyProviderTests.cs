using AssignBridge.Secrets;
using Azure.Security.KeyVault.Secrets;
using Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace AssignBridge.Tests;

public sealed class KibanaApiKeyProviderTests
{
    private const string SecretName = "kibana-api-key";
    private readonly Mock<SecretClient> _secrets = new();
    private readonly FakeTimeProvider _time = new();
    private readonly Queue<(string Value, string Version)> _versions = new();

    public KibanaApiKeyProviderTests()
    {
        _secrets
            .Setup(s => s.GetSecretAsync(SecretName, null, It.IsAny<CancellationToken>()))
            .ReturnsAsync(() =>
            {
                var (value, version) = _versions.Count > 1 ? _versions.Dequeue() : _versions.Peek();
                var secret = SecretModelFactory.KeyVaultSecret(SecretModelFactory.SecretProperties(name: SecretName, version: version), value);
                return Response.FromValue(secret, Mock.Of<Response>());
            });
    }

    [Fact]
    public async Task GetAsync_CalledRepeatedly_ReadsKeyVaultOnce()
    {
        _versions.Enqueue(("key-1", "v1"));
        using var provider = CreateProvider();

        var first = await provider.GetAsync();
        var second = await provider.GetAsync();

        Assert.Equal("key-1", first.Value);
        Assert.Same(first, second);
        _secrets.Verify(s => s.GetSecretAsync(SecretName, null, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task GetAsync_AfterCacheLifetime_ReadsAgain()
    {
        _versions.Enqueue(("key-1", "v1"));
        _versions.Enqueue(("key-2", "v2"));
        using var provider = CreateProvider(cacheMinutes: 10);

        Assert.Equal("key-1", (await provider.GetAsync()).Value);
        _time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal("key-1", (await provider.GetAsync()).Value);
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal("key-2", (await provider.GetAsync()).Value);
    }

    [Fact]
    public async Task RefreshAsync_StaleKey_ReadsTheRotatedKey()
    {
        _versions.Enqueue(("key-1", "v1"));
        _versions.Enqueue(("key-2", "v2"));
        using var provider = CreateProvider();
        var stale = await provider.GetAsync();

        var fresh = await provider.RefreshAsync(stale);

        Assert.Equal("key-2", fresh.Value);
        Assert.Same(fresh, await provider.GetAsync());
    }

    [Fact]
    public async Task RefreshAsync_ManyCallersWithTheSameStaleKey_OneRead()
    {
        _versions.Enqueue(("key-1", "v1"));
        _versions.Enqueue(("key-2", "v2"));
        using var provider = CreateProvider();
        var stale = await provider.GetAsync();

        var refreshed = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => provider.RefreshAsync(stale)));

        Assert.All(refreshed, k => Assert.Equal("key-2", k.Value));
        _secrets.Verify(s => s.GetSecretAsync(SecretName, null, It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Fact]
    public async Task GetAsync_SecretMissing_ClearMessageWithoutSecrets()
    {
        _secrets
            .Setup(s => s.GetSecretAsync(SecretName, null, It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RequestFailedException(404, "A secret with (name/id) kibana-api-key was not found", "SecretNotFound", null));
        using var provider = CreateProvider();

        var exception = await Assert.ThrowsAsync<SecretUnavailableException>(() => provider.GetAsync());

        Assert.Contains("'kibana-api-key' does not exist", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_NoVault_UsesTheLocalSetting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new(KibanaApiKeyProvider.LocalKeySetting, "local-key")]).Build();
        using var provider = new KibanaApiKeyProvider(null, configuration, Options.Create(new KeyVaultOptions()), _time, NullLogger<KibanaApiKeyProvider>.Instance);

        Assert.Equal("local-key", (await provider.GetAsync()).Value);
        Assert.Contains("local runs only", provider.Source, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_NoVaultNoLocalKey_SaysWhatToSet()
    {
        using var provider = new KibanaApiKeyProvider(null, new ConfigurationBuilder().Build(), Options.Create(new KeyVaultOptions()), _time, NullLogger<KibanaApiKeyProvider>.Instance);

        var exception = await Assert.ThrowsAsync<SecretUnavailableException>(() => provider.GetAsync());

        Assert.Contains("KeyVault:Uri", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SecretValue_ToString_HidesTheValue()
    {
        Assert.DoesNotContain("s3cr3t", new SecretValue("s3cr3t", "v1").ToString(), StringComparison.Ordinal);
    }

    private KibanaApiKeyProvider CreateProvider(int cacheMinutes = 60) =>
        new(_secrets.Object, new ConfigurationBuilder().Build(), Options.Create(new KeyVaultOptions { Uri = new Uri("https://vault.example/"), CacheMinutes = cacheMinutes }), _time, NullLogger<KibanaApiKeyProvider>.Instance);
}

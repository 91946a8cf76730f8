using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Options;

namespace AssignBridge.Secrets;

// Serves the Kibana API key from Key Vault, cached for CacheMinutes, re-read at most once per stale key when Kibana
// refuses it (CachedSecret). Without a vault (local runs only) the key comes from the Kibana:ApiKey setting, which is
// logged as such.
internal sealed class KibanaApiKeyProvider(SecretClient? secrets, IConfiguration configuration, IOptions<KeyVaultOptions> options, TimeProvider time, ILogger<KibanaApiKeyProvider> logger) : IDisposable
{
    public const string LocalKeySetting = "Kibana:ApiKey";

    private readonly CachedSecret _key = new(
        secrets, options.Value.KibanaApiKeySecretName, LocalKeySetting, secrets is null ? configuration[LocalKeySetting] : null,
        "Kibana API key", TimeSpan.FromMinutes(options.Value.CacheMinutes), time, logger);

    /// <summary>Where the key comes from, for health answers and logs.</summary>
    public string Source => _key.Source;

    public Task<SecretValue> GetAsync(CancellationToken cancellationToken = default) => _key.GetAsync(cancellationToken);

    /// <summary>
    /// Called when Kibana refused <paramref name="stale"/>. Concurrent callers holding the same stale key
    /// share one read; a caller whose key was already replaced gets the replacement without a read.
    /// </summary>
    public Task<SecretValue> RefreshAsync(SecretValue stale, CancellationToken cancellationToken = default) =>
        _key.RefreshAsync(stale, cancellationToken);

    public void Dispose() => _key.Dispose();
}

using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Azure;
using Microsoft.Extensions.Options;

namespace AssignBridge.Secrets;

/// <summary>A Kibana API key and where it came from. <see cref="ToString"/> never shows the value.</summary>
internal sealed record KibanaApiKey(string Value, string Version)
{
    public override string ToString() => $"KibanaApiKey {{ Version = {Version} }}";
}

/// <summary>The Kibana API key could not be read. The message names the cause, never a secret.</summary>
internal sealed class SecretUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException);

// Serves the Kibana API key from Key Vault, cached for CacheMinutes, re-read
// at most once per stale key when Kibana refuses it. Without a vault (local runs only) the key comes from
// the Kibana:ApiKey setting, which is logged as such.
internal sealed class KibanaApiKeyProvider : IDisposable
{
    public const string LocalKeySetting = "Kibana:ApiKey";

    private readonly SecretClient? _secrets;
    private readonly string? _localKey;
    private readonly KeyVaultOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<KibanaApiKeyProvider> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private KibanaApiKey? _current;
    private DateTimeOffset _expires;
    private bool _localKeyLogged;

    public KibanaApiKeyProvider(SecretClient? secrets, IConfiguration configuration, IOptions<KeyVaultOptions> options, TimeProvider time, ILogger<KibanaApiKeyProvider> logger)
    {
        _secrets = secrets;
        _localKey = secrets is null ? configuration[LocalKeySetting] : null;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>Where the key comes from, for health answers and logs.</summary>
    public string Source => _secrets is null ? $"configuration ({LocalKeySetting}, local runs only)" : $"Key Vault secret '{_options.KibanaApiKeySecretName}'";

    public async Task<KibanaApiKey> GetAsync(CancellationToken cancellationToken = default)
    {
        var current = _current;
        if (current is not null && _time.GetUtcNow() < _expires)
        {
            return current;
        }

        return await LoadAsync(stale: current, cancellationToken);
    }

    /// <summary>
    /// Called when Kibana refused <paramref name="stale"/>. Concurrent callers holding the same stale key
    /// share one read; a caller whose key was already replaced gets the replacement without a read.
    /// </summary>
    public Task<KibanaApiKey> RefreshAsync(KibanaApiKey stale, CancellationToken cancellationToken = default) =>
        LoadAsync(stale, cancellationToken);

    public void Dispose() => _gate.Dispose();

    private async Task<KibanaApiKey> LoadAsync(KibanaApiKey? stale, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var current = _current;
            if (current is not null && !ReferenceEquals(current, stale) && _time.GetUtcNow() < _expires)
            {
                return current;
            }

            var key = await ReadAsync(cancellationToken);
            _current = key;
            _expires = _time.GetUtcNow().AddMinutes(_options.CacheMinutes);
            return key;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<KibanaApiKey> ReadAsync(CancellationToken cancellationToken)
    {
        if (_secrets is null)
        {
            if (string.IsNullOrWhiteSpace(_localKey))
            {
                throw new SecretUnavailableException($"No Kibana API key: set KeyVault:Uri (and the secret '{_options.KibanaApiKeySecretName}'), or {LocalKeySetting} for a local run.");
            }

            if (!_localKeyLogged)
            {
                _localKeyLogged = true;
                Log.LocalKeyInUse(_logger, LocalKeySetting);
            }

            return new KibanaApiKey(_localKey, "configuration");
        }

        try
        {
            var response = await _secrets.GetSecretAsync(_options.KibanaApiKeySecretName, null, cancellationToken);
            var secret = response.Value;
            if (string.IsNullOrWhiteSpace(secret.Value))
            {
                throw new SecretUnavailableException($"The Key Vault secret '{_options.KibanaApiKeySecretName}' is empty.");
            }

            Log.KeyRead(_logger, _options.KibanaApiKeySecretName, secret.Properties.Version ?? "latest");
            return new KibanaApiKey(secret.Value, secret.Properties.Version ?? "latest");
        }
        catch (RequestFailedException exception)
        {
            var reason = exception.Status switch
            {
                404 => $"the secret '{_options.KibanaApiKeySecretName}' does not exist in the vault",
                401 or 403 => "the bridge's identity may not read secrets from the vault (grant it Key Vault Secrets User)",
                _ => $"Key Vault answered {exception.Status} ({exception.ErrorCode})",
            };
            Log.KeyReadFailed(_logger, _options.KibanaApiKeySecretName, exception.Status, exception.ErrorCode);
            throw new SecretUnavailableException($"Could not read the Kibana API key: {reason}.", exception);
        }
        catch (AuthenticationFailedException exception)
        {
            Log.KeyReadFailed(_logger, _options.KibanaApiKeySecretName, 0, "authentication-failed");
            throw new SecretUnavailableException("Could not read the Kibana API key: no Azure credential was available to sign in to Key Vault.", exception);
        }
    }
}

using Azure;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using AssignBridge.Platform.Caching;
using Microsoft.Extensions.Options;

namespace AssignBridge.Secrets;

/// <summary>A secret's value and where it came from. <see cref="ToString"/> never shows the value.</summary>
internal sealed record SecretValue(string Value, string Version)
{
    public override string ToString() => $"SecretValue {{ Version = {Version} }}";
}

/// <summary>A secret could not be read. The message names the secret and the cause, never a value.</summary>
internal sealed class SecretUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>
/// One named Key Vault secret, cached for <c>lifetime</c> and re-read at most once per stale value when the service it
/// opens refuses it. Without a vault (local runs only) the value comes from one configuration setting, logged as such.
/// Thread-safe: concurrent callers share one read.
/// </summary>
internal sealed class CachedSecret : IDisposable
{
    private readonly SecretClient? _secrets;
    private readonly string _localSetting;
    private readonly string? _localValue;
    private readonly string _description;
    private readonly ILogger _logger;
    private readonly RefreshingValue<SecretValue> _value;
    private bool _localValueLogged;

    /// <param name="secrets">The vault; null without <c>KeyVault:Uri</c>.</param>
    /// <param name="secretName">The Key Vault secret's name.</param>
    /// <param name="localSetting">The setting read instead when there is no vault, for example <c>Kibana:ApiKey</c>.</param>
    /// <param name="description">What the secret is, for messages: "Kibana API key".</param>
    /// <param name="localValue">The local setting's value (read only without a vault).</param>
    public CachedSecret(SecretClient? secrets, string secretName, string localSetting, string? localValue, string description, TimeSpan lifetime, TimeProvider time, ILogger logger)
    {
        _secrets = secrets;
        SecretName = secretName;
        _localSetting = localSetting;
        _localValue = localValue;
        _description = description;
        _logger = logger;
        _value = new RefreshingValue<SecretValue>(async cancellationToken => (await ReadAsync(cancellationToken), time.GetUtcNow() + lifetime), time);
    }

    public string SecretName { get; }

    /// <summary>Where the value comes from, for health answers and logs.</summary>
    public string Source => _secrets is null ? $"configuration ({_localSetting}, local runs only)" : $"Key Vault secret '{SecretName}'";

    /// <exception cref="SecretUnavailableException">The secret cannot be read.</exception>
    public Task<SecretValue> GetAsync(CancellationToken cancellationToken = default) => _value.GetAsync(cancellationToken);

    /// <summary>
    /// Called when <paramref name="stale"/> was refused. Concurrent callers holding the same stale value share one
    /// read; a caller whose value was already replaced gets the replacement without a read.
    /// </summary>
    /// <exception cref="SecretUnavailableException">The secret cannot be read.</exception>
    public Task<SecretValue> RefreshAsync(SecretValue stale, CancellationToken cancellationToken = default) => _value.RefreshAsync(stale, cancellationToken);

    public void Dispose() => _value.Dispose();

    public override string ToString() => $"CachedSecret {{ {Source} }}";

    private async Task<SecretValue> ReadAsync(CancellationToken cancellationToken)
    {
        if (_secrets is null)
        {
            if (string.IsNullOrWhiteSpace(_localValue))
            {
                throw new SecretUnavailableException($"No {_description}: set KeyVault:Uri (and the secret '{SecretName}'), or {_localSetting} for a local run.");
            }

            if (!_localValueLogged)
            {
                _localValueLogged = true;
                Log.LocalSecretInUse(_logger, _description, _localSetting);
            }

            return new SecretValue(_localValue, "configuration");
        }

        try
        {
            var response = await _secrets.GetSecretAsync(SecretName, null, cancellationToken);
            var secret = response.Value;
            if (string.IsNullOrWhiteSpace(secret.Value))
            {
                throw new SecretUnavailableException($"The Key Vault secret '{SecretName}' is empty.");
            }

            Log.SecretRead(_logger, _description, SecretName, secret.Properties.Version ?? "latest");
            return new SecretValue(secret.Value, secret.Properties.Version ?? "latest");
        }
        catch (RequestFailedException exception)
        {
            var reason = exception.Status switch
            {
                404 => $"the secret '{SecretName}' does not exist in the vault",
                401 or 403 => "the bridge's identity may not read secrets from the vault (grant it Key Vault Secrets User)",
                _ => $"Key Vault answered {exception.Status} ({exception.ErrorCode})",
            };
            Log.SecretReadFailed(_logger, SecretName, exception.Status, exception.ErrorCode);
            throw new SecretUnavailableException($"Could not read the {_description}: {reason}.", exception);
        }
        catch (AuthenticationFailedException exception)
        {
            Log.SecretReadFailed(_logger, SecretName, 0, "authentication-failed");
            throw new SecretUnavailableException($"Could not read the {_description} (Key Vault secret '{SecretName}'): no Azure credential was available to sign in to Key Vault.", exception);
        }
    }
}

/// <summary>
/// Hands out one <see cref="CachedSecret"/> per secret name, read from the vault of <c>KeyVault:Uri</c> and kept for
/// <c>KeyVault:CacheMinutes</c>; without a vault each comes from its local setting.
/// </summary>
internal sealed class CachedSecrets(SecretClient? secrets, IConfiguration configuration, IOptions<KeyVaultOptions> options, TimeProvider time, ILoggerFactory loggers) : IDisposable
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<CachedSecret>> _byName = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>True when secrets come from Key Vault, false when from local settings.</summary>
    public bool FromVault => secrets is not null;

    /// <summary>The secret <paramref name="secretName"/>, or without a vault the value of <paramref name="localSetting"/>.</summary>
    /// <param name="description">What the secret is, for messages: "Jira API token".</param>
    public CachedSecret Get(string secretName, string localSetting, string description) =>
        _byName.GetOrAdd(secretName, name => new Lazy<CachedSecret>(() => new CachedSecret(
            secrets, name, localSetting, secrets is null ? configuration[localSetting] : null, description,
            TimeSpan.FromMinutes(options.Value.CacheMinutes), time, loggers.CreateLogger<CachedSecret>()))).Value;

    public void Dispose()
    {
        foreach (var secret in _byName.Values.Where(s => s.IsValueCreated))
        {
            secret.Value.Dispose();
        }
    }
}

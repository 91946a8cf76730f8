using System.Net;
using System.Text.Json;
using AssignBridge.Platform.Caching;
using AssignBridge.Secrets;
using Microsoft.Extensions.Options;

namespace AssignBridge.Tickets;

/// <summary>ServiceNow's credential as <c>ServiceNow:Api:Auth</c> says: basic auth with a password, or an OAuth access token.</summary>
internal sealed class ServiceNowCredentials : ITicketCredentials, IDisposable
{
    private readonly ITicketCredentials _inner;

    public ServiceNowCredentials(CachedSecrets secrets, IOptions<ServiceNowApiOptions> options, IHttpClientFactory httpClients, TimeProvider time, ILogger<ServiceNowCredentials> logger)
    {
        var api = options.Value;
        _inner = api.Auth == ServiceNowAuth.OAuth
            ? new ServiceNowOAuth(
                secrets.Get(api.ClientSecretName, ServiceNowApiOptions.LocalClientSecretSetting, "ServiceNow OAuth client secret"),
                api.ClientId ?? "", () => httpClients.CreateClient(ServiceNowTicketWriter.HttpClientName), time, logger)
            : new SecretCredentials(
                secrets.Get(api.PasswordSecretName, ServiceNowApiOptions.LocalPasswordSetting, "ServiceNow password"),
                password => SecretCredentials.Basic(api.User ?? "", password));
    }

    public string Name => _inner.Name;

    public Task<TicketCredential> GetAsync(CancellationToken cancellationToken) => _inner.GetAsync(cancellationToken);

    public Task<TicketCredential?> RenewAsync(TicketCredential rejected, CancellationToken cancellationToken) => _inner.RenewAsync(rejected, cancellationToken);

    public void Dispose() => (_inner as IDisposable)?.Dispose();
}

/// <summary>
/// OAuth client credentials against <c>POST /oauth_token.do</c>: the access token is cached until shortly before
/// <c>expires_in</c> runs out, and dropped when the Table API refuses it. When the token endpoint answers 401
/// <c>invalid_client</c> the client secret is re-read once and the token asked for once more.
/// </summary>
internal sealed class ServiceNowOAuth : ITicketCredentials, IDisposable
{
    private const string TokenRoute = "oauth_token.do";

    private readonly CachedSecret _clientSecret;
    private readonly string _clientId;
    private readonly Func<HttpClient> _http;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RefreshingValue<AccessToken> _token;

    public ServiceNowOAuth(CachedSecret clientSecret, string clientId, Func<HttpClient> http, TimeProvider time, ILogger logger)
    {
        _clientSecret = clientSecret;
        _clientId = clientId;
        _http = http;
        _time = time;
        _logger = logger;
        _token = new RefreshingValue<AccessToken>(RequestTokenAsync, time);
    }

    public string Name => $"OAuth client '{_clientId}' with the client secret from {_clientSecret.Source}";

    public async Task<TicketCredential> GetAsync(CancellationToken cancellationToken) => Credential(await _token.GetAsync(cancellationToken));

    // A refused access token is dropped and a new one asked for; one more refusal stands.
    public async Task<TicketCredential?> RenewAsync(TicketCredential rejected, CancellationToken cancellationToken) =>
        Credential(await _token.RefreshAsync((AccessToken)rejected.Source, cancellationToken));

    public void Dispose() => _token.Dispose();

    private static TicketCredential Credential(AccessToken token) => new(SecretCredentials.Bearer(token.Value), token);

    private async Task<(AccessToken Value, DateTimeOffset Expires)> RequestTokenAsync(CancellationToken cancellationToken)
    {
        var api = new TicketApi(_http(), ServiceNowTicketWriter.ServiceNow, _time, _logger);
        var secret = await _clientSecret.GetAsync(cancellationToken);
        var response = await SendAsync(api, secret, cancellationToken);
        try
        {
            if (response.StatusCode == HttpStatusCode.Unauthorized && await IsInvalidClientAsync(response, cancellationToken))
            {
                var fresh = await _clientSecret.RefreshAsync(secret, cancellationToken);
                if (string.Equals(fresh.Value, secret.Value, StringComparison.Ordinal))
                {
                    throw await api.FailureAsync(response, $"the token endpoint refused {Name}, and the secret holds no newer value", cancellationToken);
                }

                Log.ClientSecretRenewed(_logger, _clientSecret.Source);
                response.Dispose();
                response = await SendAsync(api, fresh, cancellationToken);
                if (response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    throw await api.FailureAsync(response, $"the token endpoint refused {Name}, also after re-reading the secret", cancellationToken);
                }
            }

            if (!response.IsSuccessStatusCode)
            {
                throw await api.FailureAsync(response, $"the token endpoint refused {Name}", cancellationToken);
            }

            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            ServiceNowToken? token;
            try
            {
                token = JsonSerializer.Deserialize(body, TicketsJsonContext.Default.ServiceNowToken);
            }
            catch (JsonException)
            {
                token = null;
            }

            if (token is not { AccessToken: { Length: > 0 } value })
            {
                throw api.NotTheAnswer(body, "an access token");
            }

            // Used until shortly before it runs out (a tenth of its life, at most a minute), so that no request carries a token about to expire.
            var lifetime = TimeSpan.FromSeconds(Math.Max(token.ExpiresIn ?? 0, 0));
            var margin = TimeSpan.FromTicks(Math.Min(lifetime.Ticks / 10, TimeSpan.FromMinutes(1).Ticks));
            Log.TokenIssued(_logger, _clientId, (long)lifetime.TotalSeconds);
            return (new AccessToken(value), _time.GetUtcNow() + lifetime - margin);
        }
        finally
        {
            response.Dispose();
        }
    }

    private Task<HttpResponseMessage> SendAsync(TicketApi api, SecretValue secret, CancellationToken cancellationToken) =>
        api.SendOnceAsync(() => new HttpRequestMessage(HttpMethod.Post, TokenRoute)
        {
            Content = new FormUrlEncodedContent(
            [
                new("grant_type", "client_credentials"),
                new("client_id", _clientId),
                new("client_secret", secret.Value),
            ]),
        }, authorization: null, cancellationToken);

    private static async Task<bool> IsInvalidClientAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        // Buffered (ResponseContentRead), so the body can be read again for the failure's detail.
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.String && error.GetString() == "invalid_client";
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>An access token. <see cref="ToString"/> never shows it.</summary>
    private sealed record AccessToken(string Value)
    {
        public override string ToString() => "AccessToken { }";
    }
}

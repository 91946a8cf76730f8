using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text;
using Azure.Core.Pipeline;
using Azure.Core;
using Azure.Security.KeyVault.Secrets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AssignBridge.IntegrationTests.Infrastructure;

/// <summary>
/// An HTTPS Key Vault on loopback that speaks enough of the data-plane get-secret protocol for the real
/// <see cref="SecretClient"/>: the bearer challenge (401 + <c>WWW-Authenticate</c>), the token check,
/// <c>GET /secrets/{name}[/{version}]?api-version=…</c> and Key Vault's error body shape.
/// </summary>
/// <remarks>
/// Protocol as documented for Key Vault (learn.microsoft.com "Authentication, requests and responses" and
/// "Get Secret" REST reference) and as consumed by Azure.Security.KeyVault.Secrets' ChallengeBasedAuthenticationPolicy:
/// the client first sends the request without a token, reads <c>authorization</c> (tenant) and <c>resource</c>
/// (scope + "/.default") from the challenge, asks its <see cref="TokenCredential"/> for a token, and resends.
/// </remarks>
public sealed class KeyVaultFake : IAsyncDisposable
{
    private const string Resource = "https://vault.azure.net";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private readonly WebApplication _app;
    private readonly X509Certificate2 _certificate;
    private readonly string _certificateHash;
    private readonly CountingTokenCredential _credential;
    private readonly byte[] _expectedAuthorization;
    private readonly Dictionary<string, List<SecretVersion>> _secrets = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _secretsLock = new();
    private readonly HttpClientHandler _clientHandler;
    private int _getSecretRequests;
    private static readonly string s_tenantId = Guid.NewGuid().ToString();
    private int _challengesIssued;

    private KeyVaultFake(WebApplication app, X509Certificate2 certificate, Uri vaultUri)
    {
        _app = app;
        _certificate = certificate;
        _certificateHash = certificate.GetCertHashString(HashAlgorithmName.SHA256);
        VaultUri = vaultUri;
        TenantId = s_tenantId;
        AccessToken = "kv-fake-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        _expectedAuthorization = Encoding.UTF8.GetBytes("Bearer " + AccessToken);
        _credential = new CountingTokenCredential(AccessToken);
        _clientHandler = CreateHttpHandler();
    }

    /// <summary>The vault's base address, <c>https://127.0.0.1:{port}/</c>.</summary>
    public Uri VaultUri { get; }

    /// <summary>
    /// The tenant named in the challenge's <c>authorization</c> URI: one for every fake in the process, because the Key
    /// Vault client caches each vault authority's challenge for the process, and a later fake can get the port (so the
    /// authority) of an earlier one; with a tenant of its own it would then see a token request for the earlier tenant.
    /// </summary>
    public string TenantId { get; }

    /// <summary>The only bearer token this vault accepts; <see cref="Credential"/> hands it out.</summary>
    public string AccessToken { get; }

    /// <summary>A credential that returns <see cref="AccessToken"/> and counts how often it was asked.</summary>
    public TokenCredential Credential => _credential;

    /// <summary>How many times <see cref="Credential"/> was asked for a token.</summary>
    public int TokenRequests => _credential.Requests;

    /// <summary>The context of the latest token request (scopes and tenant read from the challenge).</summary>
    public TokenRequestContext? LastTokenRequest => _credential.LastContext;

    /// <summary>How many requests without a bearer token were answered with the challenge.</summary>
    public int ChallengesIssued => Volatile.Read(ref _challengesIssued);

    /// <summary>How many get-secret requests were answered 200 (for cache tests).</summary>
    public int GetSecretRequests => Volatile.Read(ref _getSecretRequests);

    /// <summary>Starts the vault on a free loopback port with a fresh self-signed certificate.</summary>
    public static async Task<KeyVaultFake> StartAsync(CancellationToken cancellationToken = default)
    {
        var certificate = CreateCertificate();
        KeyVaultFake? fake = null;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });

        // UseKestrelCore reads no "Kestrel" configuration section, so nothing in the test output folder can add endpoints.
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        app.Run(context => fake!.HandleAsync(context));

        try
        {
            await app.StartAsync(cancellationToken);
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>()
                .Addresses.Single();
            var port = new Uri(address).Port;
            fake = new KeyVaultFake(app, certificate, new Uri($"https://127.0.0.1:{port}/"));
            return fake;
        }
        catch
        {
            await app.DisposeAsync();
            certificate.Dispose();
            throw;
        }
    }

    /// <summary>Stores a new version of <paramref name="name"/>; reads without a version get the latest.</summary>
    /// <returns>The new version's id.</returns>
    public string SetSecret(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        var version = new SecretVersion(name, Guid.NewGuid().ToString("N"), value, DateTimeOffset.UtcNow);
        lock (_secretsLock)
        {
            if (!_secrets.TryGetValue(name, out var versions))
            {
                _secrets[name] = versions = [];
            }

            versions.Add(version);
        }

        return version.Version;
    }

    /// <summary>
    /// Options for a <see cref="SecretClient"/> pointed at this vault: the challenge's resource check is off (the host is
    /// 127.0.0.1, not *.vault.azure.net), TLS trusts exactly this vault's certificate, and retries are off so tests see
    /// every failure at once.
    /// </summary>
    public SecretClientOptions CreateClientOptions()
    {
        var options = new SecretClientOptions();
        ConfigureClientOptions(options);
        return options;
    }

    /// <summary>Sets <paramref name="options"/> as <see cref="CreateClientOptions"/> does (for the app's own client registration).</summary>
    public void ConfigureClientOptions(SecretClientOptions options)
    {
        options.DisableChallengeResourceVerification = true;
        options.Transport = new HttpClientTransport(_clientHandler);
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
    }

    /// <summary>A real <see cref="SecretClient"/> with <see cref="Credential"/> and <see cref="CreateClientOptions"/>.</summary>
    public SecretClient CreateSecretClient() => new(VaultUri, Credential, CreateClientOptions());

    /// <summary>A handler that trusts exactly this vault's certificate, for raw HTTP tests. The caller disposes it.</summary>
    public HttpClientHandler CreateHttpHandler() => new()
    {
        ServerCertificateCustomValidationCallback = (_, certificate, _, _) => IsThisVaultsCertificate(certificate),
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _clientHandler.Dispose();
        _certificate.Dispose();
    }

    private bool IsThisVaultsCertificate(X509Certificate2? certificate) =>
        certificate is not null
        && string.Equals(certificate.GetCertHashString(HashAlgorithmName.SHA256), _certificateHash, StringComparison.OrdinalIgnoreCase);

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            Interlocked.Increment(ref _challengesIssued);
            await WriteUnauthorizedAsync(context, "AKV10000: Request is missing a Bearer or PoP token.");
            return;
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(authorization), _expectedAuthorization))
        {
            await WriteUnauthorizedAsync(context, "The bearer token is not the one this vault issued.");
            return;
        }

        if (string.IsNullOrEmpty(request.Query["api-version"]))
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "BadParameter", "The api-version query parameter is required.");
            return;
        }

        var segments = (request.Path.Value ?? string.Empty).Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments is not ["secrets", _] and not ["secrets", _, _])
        {
            await WriteErrorAsync(context, StatusCodes.Status404NotFound, "NotFound", $"This fake does not serve '{request.Path}'.");
            return;
        }

        if (!HttpMethods.IsGet(request.Method))
        {
            await WriteErrorAsync(context, StatusCodes.Status405MethodNotAllowed, "BadParameter", $"This fake only reads secrets; {request.Method} is not supported.");
            return;
        }

        var secretName = Uri.UnescapeDataString(segments[1]);
        var requestedVersion = segments.Length == 3 ? segments[2] : null;
        var secret = FindSecret(secretName, requestedVersion);
        if (secret is null)
        {
            var nameOrId = requestedVersion is null ? secretName : $"{secretName}/{requestedVersion}";
            await WriteErrorAsync(context, StatusCodes.Status404NotFound, "SecretNotFound",
                $"A secret with (name/id) {nameOrId} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182");
            return;
        }

        Interlocked.Increment(ref _getSecretRequests);
        var unixSeconds = secret.Created.ToUnixTimeSeconds();
        await WriteJsonAsync(context, StatusCodes.Status200OK, new
        {
            value = secret.Value,
            id = new Uri(VaultUri, $"secrets/{Uri.EscapeDataString(secret.Name)}/{secret.Version}").AbsoluteUri,
            attributes = new
            {
                enabled = true,
                created = unixSeconds,
                updated = unixSeconds,
                recoveryLevel = "Recoverable+Purgeable",
                recoverableDays = 90,
            },
            tags = new Dictionary<string, string>(),
        });
    }

    private SecretVersion? FindSecret(string name, string? version)
    {
        lock (_secretsLock)
        {
            if (!_secrets.TryGetValue(name, out var versions) || versions.Count == 0)
            {
                return null;
            }

            return version is null
                ? versions[^1]
                : versions.Find(v => string.Equals(v.Version, version, StringComparison.OrdinalIgnoreCase));
        }
    }

    private Task WriteUnauthorizedAsync(HttpContext context, string message)
    {
        // Key Vault puts the challenge on every 401, so a client holding a stale token can start over.
        context.Response.Headers.WWWAuthenticate =
            $"Bearer authorization=\"https://login.microsoftonline.com/{TenantId}\", resource=\"{Resource}\"";
        return WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized", message);
    }

    private static Task WriteErrorAsync(HttpContext context, int status, string code, string message) =>
        WriteJsonAsync(context, status, new { error = new { code, message } });

    private static async Task WriteJsonAsync(HttpContext context, int status, object body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(context.Response.Body, body, body.GetType(), s_json, context.RequestAborted);
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=AssignBridge Key Vault fake", key, HashAlgorithmName.SHA256);
        var subjectAlternativeNames = new SubjectAlternativeNameBuilder();
        subjectAlternativeNames.AddIpAddress(IPAddress.Loopback);
        subjectAlternativeNames.AddDnsName("localhost");
        request.CertificateExtensions.Add(subjectAlternativeNames.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], false));

        var now = DateTimeOffset.UtcNow;
        using var created = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        // CreateSelfSigned returns a certificate bound to an ephemeral key object; a PKCS#12 round trip gives
        // SslStream (and so Kestrel) a certificate with its private key attached in the form it expects.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), password: null);
    }

    private sealed record SecretVersion(string Name, string Version, string Value, DateTimeOffset Created);

    private sealed class CountingTokenCredential(string token) : TokenCredential
    {
        private readonly Lock _lock = new();
        private int _requests;
        private TokenRequestContext? _lastContext;

        public int Requests => Volatile.Read(ref _requests);

        public TokenRequestContext? LastContext
        {
            get
            {
                lock (_lock)
                {
                    return _lastContext;
                }
            }
        }

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            lock (_lock)
            {
                _lastContext = requestContext;
            }

            return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}

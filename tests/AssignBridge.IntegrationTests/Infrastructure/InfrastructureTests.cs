using System.Net;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Security.KeyVault.Secrets;
using Azure;

namespace AssignBridge.IntegrationTests.Infrastructure;

/// <summary>
/// Proves the test doubles speak their protocols well enough for the real Azure SDK clients, so a failure in a
/// feature test points at the feature, not at the fake.
/// </summary>
[Collection("azurite")]
public sealed class InfrastructureTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task KeyVaultFake_SecretClientReadsSecret_AfterBearerChallenge()
    {
        await using var vault = await KeyVaultFake.StartAsync();
        vault.SetSecret("kibana-api-key", "first-key");
        var client = vault.CreateSecretClient();

        var response = await client.GetSecretAsync("kibana-api-key");

        Assert.Equal("first-key", response.Value.Value);
        Assert.Equal("kibana-api-key", response.Value.Name);
        Assert.Equal(vault.VaultUri, response.Value.Properties.VaultUri);
        Assert.True(response.Value.Properties.Enabled);
        Assert.True(vault.TokenRequests >= 1, "the credential was never asked for a token");
        var tokenRequest = Assert.IsType<TokenRequestContext>(vault.LastTokenRequest);
        Assert.Equal(vault.TenantId, tokenRequest.TenantId);
        Assert.Equal(["https://vault.azure.net/.default"], tokenRequest.Scopes);
        Assert.Equal(1, vault.GetSecretRequests);
    }

    [Fact]
    public async Task KeyVaultFake_RotatedSecret_ReadsNewValueAndOldVersionStaysReadable()
    {
        await using var vault = await KeyVaultFake.StartAsync();
        var firstVersion = vault.SetSecret("kibana-api-key", "first-key");
        var client = vault.CreateSecretClient();
        Assert.Equal("first-key", (await client.GetSecretAsync("kibana-api-key")).Value.Value);

        var secondVersion = vault.SetSecret("kibana-api-key", "second-key");
        var latest = (await client.GetSecretAsync("kibana-api-key")).Value;
        var old = (await client.GetSecretAsync("kibana-api-key", firstVersion)).Value;

        Assert.Equal("second-key", latest.Value);
        Assert.Equal(secondVersion, latest.Properties.Version);
        Assert.Equal("first-key", old.Value);
        Assert.Equal(firstVersion, old.Properties.Version);
        Assert.Equal(3, vault.GetSecretRequests);
    }

    [Fact]
    public async Task KeyVaultFake_UnknownSecret_RaisesRequestFailed404()
    {
        await using var vault = await KeyVaultFake.StartAsync();
        var client = vault.CreateSecretClient();

        var exception = await Assert.ThrowsAsync<RequestFailedException>(() => client.GetSecretAsync("missing"));

        Assert.Equal(404, exception.Status);
        Assert.Equal("SecretNotFound", exception.ErrorCode);
        Assert.Equal(0, vault.GetSecretRequests);
    }

    [Fact]
    public async Task KeyVaultFake_WrongToken_RaisesRequestFailed401()
    {
        await using var vault = await KeyVaultFake.StartAsync();
        vault.SetSecret("kibana-api-key", "first-key");
        var client = new SecretClient(vault.VaultUri, new StaticTokenCredential("not-the-token"), vault.CreateClientOptions());

        var exception = await Assert.ThrowsAsync<RequestFailedException>(() => client.GetSecretAsync("kibana-api-key"));

        Assert.Equal(401, exception.Status);
        Assert.Equal(0, vault.GetSecretRequests);
    }

    [Fact]
    public async Task KeyVaultFake_RequestWithoutToken_GetsChallengeOverTls()
    {
        await using var vault = await KeyVaultFake.StartAsync();
        using var handler = vault.CreateHttpHandler();
        using var http = new HttpClient(handler) { BaseAddress = vault.VaultUri };

        using var response = await http.GetAsync(new Uri("secrets/anything?api-version=7.6", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Equal(
            $"authorization=\"https://login.microsoftonline.com/{vault.TenantId}\", resource=\"https://vault.azure.net\"",
            challenge.Parameter);
        Assert.Equal(1, vault.ChallengesIssued);
    }

    [Fact]
    public async Task Azurite_TableClient_CreatesTableUpsertsAndReadsEntity()
    {
        var tableName = "infra" + Guid.NewGuid().ToString("N")[..16];
        var service = azurite.CreateTableServiceClient();
        var table = service.GetTableClient(tableName);
        await table.CreateIfNotExistsAsync();
        try
        {
            await table.UpsertEntityAsync(new TableEntity("jira", "user-1") { ["KibanaUid"] = "u_1", ["DisplayName"] = "Ada" });
            await table.UpsertEntityAsync(new TableEntity("jira", "user-1") { ["KibanaUid"] = "u_2" }, TableUpdateMode.Merge);

            var entity = await table.GetEntityIfExistsAsync<TableEntity>("jira", "user-1");
            var missing = await table.GetEntityIfExistsAsync<TableEntity>("jira", "user-2");

            Assert.True(entity.HasValue);
            Assert.Equal("u_2", entity.Value!.GetString("KibanaUid"));
            Assert.Equal("Ada", entity.Value.GetString("DisplayName"));
            Assert.False(missing.HasValue);
        }
        finally
        {
            await table.DeleteAsync();
        }
    }

    [Fact]
    public void Azurite_ConnectionString_NamesEveryEndpoint()
    {
        if (azurite.IsExternal)
        {
            Assert.False(string.IsNullOrWhiteSpace(azurite.ConnectionString));
            return;
        }

        Assert.Contains("BlobEndpoint=http://127.0.0.1:", azurite.ConnectionString, StringComparison.Ordinal);
        Assert.Contains("QueueEndpoint=http://127.0.0.1:", azurite.ConnectionString, StringComparison.Ordinal);
        Assert.Contains("TableEndpoint=http://127.0.0.1:", azurite.ConnectionString, StringComparison.Ordinal);
    }

    private sealed class StaticTokenCredential(string token) : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(token, DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}

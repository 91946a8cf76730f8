using AssignBridge.Platform.Storage;
using AssignBridge.Secrets;
using Azure.Core;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;

namespace AssignBridge.Hosting;

internal static class AzureClientsExtensions
{
    // The Azure SDK clients, from the settings the app has always read: tables and queues from
    // Storage:ConnectionString (Azurite, a key-based account) or Storage:TableServiceUri and
    // Storage:QueueServiceUri with the app's identity; the Key Vault client only with KeyVault:Uri
    // (without it the Kibana key comes from configuration, for local runs). Every client signs in with the
    // TokenCredential service. An invalid section fails the start-up check before any client is made.
    public static IServiceCollection AddAssignBridgeAzureClients(this IServiceCollection services, IConfiguration configuration)
    {
        var storage = configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        var keyVault = configuration.GetSection(KeyVaultOptions.SectionName).Get<KeyVaultOptions>() ?? new KeyVaultOptions();
        services.AddAzureClients(clients =>
        {
            clients.UseCredential(sp => sp.GetRequiredService<TokenCredential>());

            // A request waits on storage for seconds at most: a sender is on the line.
            var tables = storage.TableServiceUri is { } tableUri
                ? clients.AddTableServiceClient(tableUri)
                : clients.AddTableServiceClient(storage.ConnectionString ?? "");
            tables.ConfigureOptions(options => Bound(options.Retry));

            var queues = storage.QueueServiceUri is { } queueUri && string.IsNullOrWhiteSpace(storage.ConnectionString)
                ? clients.AddQueueServiceClient(queueUri)
                : clients.AddQueueServiceClient(storage.ConnectionString ?? "");
            queues.ConfigureOptions(options =>
            {
                // Base64, as the Functions host's queue trigger reads messages (functions-isolated-worker.md "Queues").
                options.MessageEncoding = QueueMessageEncoding.Base64;
                Bound(options.Retry);
            });

            if (keyVault.Uri is { } vaultUri)
            {
                clients.AddSecretClient(vaultUri);
            }
        });
        return services;
    }

    private static void Bound(RetryOptions retry)
    {
        retry.MaxRetries = 2;
        retry.Delay = TimeSpan.FromMilliseconds(200);
        retry.NetworkTimeout = TimeSpan.FromSeconds(10);
    }
}

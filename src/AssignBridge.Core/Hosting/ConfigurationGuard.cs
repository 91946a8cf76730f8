using AssignBridge.Secrets;









namespace AssignBridge.Hosting;

/// <summary>Start-up checks of configuration that the options' own validation cannot see.</summary>
internal static class ConfigurationGuard
{
    private const string KeyVaultReferencePrefix = "@Microsoft.KeyVault(";

    public static void Check(IConfiguration configuration)
    {
        // The platform leaves the reference text in place when it cannot resolve it (functions-custom-handlers.md §5, which holds for every worker runtime):
        // using it as a secret would fail late and obscurely, so stop now and say which setting.
        var unresolved = configuration.AsEnumerable()
            .Where(pair => pair.Value?.TrimStart().StartsWith(KeyVaultReferencePrefix, StringComparison.OrdinalIgnoreCase) == true)
            .Select(pair => pair.Key)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (unresolved.Count > 0)
        {
            throw new InvalidOperationException(
                $"Key Vault references were not resolved for: {string.Join(", ", unresolved)}. Grant the app's identity 'Key Vault Secrets User' on the vault and check the secret names.");
        }

        // A key in plain configuration is for a developer's machine; on Azure (WEBSITE_SITE_NAME is set there) it must come from Key Vault.
        if (!string.IsNullOrEmpty(configuration[KibanaApiKeyProvider.LocalKeySetting]) && !string.IsNullOrEmpty(configuration["WEBSITE_SITE_NAME"]))
        {
            throw new InvalidOperationException(
                $"{KibanaApiKeyProvider.LocalKeySetting} is for local runs only. On Azure set KeyVault:Uri and keep the key in the secret named by KeyVault:KibanaApiKeySecretName.");
        }
    }
}

using System.Text.RegularExpressions;
using AssignBridge.IntegrationTests.Infrastructure;

namespace AssignBridge.IntegrationTests.Deployment;

/// <summary>
/// infra/ builds and lints clean with the real Bicep CLI (scripts/bicep.sh restores it from NuGet), so CI fails on any
/// Bicep warning; and the deployment grants and locks down what README "Deploy to Azure" says it does.
/// </summary>
public sealed partial class InfraTests
{
    private static string Infra => Path.Combine(RepositoryPaths.Root, "infra");

    [Fact]
    public async Task Bicep_BuildAndLint_NoErrorsNoWarnings()
    {
        var (exitCode, output) = await PublishedPackage.RunAsync("bash", [Path.Combine(RepositoryPaths.Root, "scripts", "bicep.sh")], TimeSpan.FromMinutes(5));

        Assert.True(exitCode == 0, $"scripts/bicep.sh exited {exitCode}:\n{output}");
        Assert.DoesNotMatch(DiagnosticPattern(), output);
        Assert.Contains("no errors, no warnings", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Roles_AppIdentity_GetsExactlyWhatItNeeds()
    {
        var roles = File.ReadAllText(Path.Combine(Infra, "modules", "roles.bicep"));

        // Key Vault Secrets User, Storage Table Data Contributor, Storage Blob Data Owner, Monitoring Metrics Publisher,
        // and (only for an operator, only when given) Key Vault Secrets Officer.
        string[] expected =
        [
            "4633458b-17de-408a-b874-0445c86b69e6",
            "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
            "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
            "3913510d-42f4-4e42-8a64-420c390055eb",
            "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
        ];
        var all = Directory.GetFiles(Infra, "*.bicep", SearchOption.AllDirectories).Select(File.ReadAllText);
        var used = all.SelectMany(text => GuidPattern().Matches(text).Select(m => m.Value)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.Equal(expected.Order(StringComparer.Ordinal), used.Order(StringComparer.Ordinal));
        Assert.Equal(4, Regex.Count(roles, "principalId: appPrincipalId"));
    }

    [Fact]
    public void Resources_LockedDown_NoSharedKeysRbacVaultHttpsAndTls12()
    {
        var storage = File.ReadAllText(Path.Combine(Infra, "modules", "storage-account.bicep"));
        var vault = File.ReadAllText(Path.Combine(Infra, "modules", "keyvault.bicep"));
        var app = File.ReadAllText(Path.Combine(Infra, "modules", "functionapp.bicep"));
        var monitoring = File.ReadAllText(Path.Combine(Infra, "modules", "monitoring.bicep"));

        Assert.Contains("allowSharedKeyAccess: false", storage, StringComparison.Ordinal);
        Assert.Contains("minimumTlsVersion: 'TLS1_2'", storage, StringComparison.Ordinal);
        Assert.Contains("enableRbacAuthorization: true", vault, StringComparison.Ordinal);
        Assert.Contains("httpsOnly: true", app, StringComparison.Ordinal);
        Assert.Contains("minTlsVersion: '1.2'", app, StringComparison.Ordinal);
        Assert.Contains("type: 'SystemAssigned'", app, StringComparison.Ordinal);
        Assert.Matches(@"runtime: \{\s*name: 'custom'", app);
        Assert.Contains("DisableLocalAuth: true", monitoring, StringComparison.Ordinal);
    }

    [Fact]
    public void AppSettings_UseTheAppsConfigurationNames()
    {
        var settings = File.ReadAllText(Path.Combine(Infra, "modules", "appsettings.bicep"));
        var main = File.ReadAllText(Path.Combine(Infra, "main.bicep"));

        foreach (var name in new[] { "Kibana__Url", "KeyVault__Uri", "KeyVault__KibanaApiKeySecretName", "Storage__TableServiceUri", "People__TableName", "Reconcile__Schedule", "AzureWebJobsStorage__accountName" })
        {
            Assert.Contains($"{name}:", settings, StringComparison.Ordinal);
        }

        Assert.Contains("Assignments__Tokens__0:", main, StringComparison.Ordinal);
        Assert.Contains("@Microsoft.KeyVault(SecretUri=", settings, StringComparison.Ordinal);
        // Flex takes the runtime from functionAppConfig; WEBSITE_RUN_FROM_PACKAGE must not be set there.
        Assert.DoesNotMatch(new Regex(@"^\s*(FUNCTIONS_WORKER_RUNTIME|WEBSITE_RUN_FROM_PACKAGE)\s*:", RegexOptions.Multiline), settings);
    }

    [GeneratedRegex(@": (Warning|Error) [A-Za-z0-9-]+:")]
    private static partial Regex DiagnosticPattern();

    [GeneratedRegex(@"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", RegexOptions.IgnoreCase)]
    private static partial Regex GuidPattern();
}

using System.Text.RegularExpressions;
using AssignBridge.IntegrationTests.Infrastructure;

namespace AssignBridge.IntegrationTests.Deployment;

/// <summary>
/// infra/ builds and lints clean with the real Bicep CLI (scripts/bicep.sh restores it from NuGet), so CI fails on any
/// Bicep warning; the deployment grants and locks down what docs/deploy-azure.md says it does; and azd deploys the
/// isolated-worker project to it.
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

        // Key Vault Secrets User, Storage Table Data Contributor, Storage Blob Data Owner, Storage Queue Data
        // Contributor, Monitoring Metrics Publisher, and (only for an operator, only when given) Key Vault Secrets Officer.
        string[] expected =
        [
            "4633458b-17de-408a-b874-0445c86b69e6",
            "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
            "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
            "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
            "3913510d-42f4-4e42-8a64-420c390055eb",
            "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
        ];
        var all = Directory.GetFiles(Infra, "*.bicep", SearchOption.AllDirectories).Select(File.ReadAllText);
        var used = all.SelectMany(text => GuidPattern().Matches(text).Select(m => m.Value)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.Equal(expected.Order(StringComparer.Ordinal), used.Order(StringComparer.Ordinal));
        Assert.Equal(5, Regex.Count(roles, "principalId: appPrincipalId"));

        // Which role goes to whom, at which scope: the app's five, the operator's one, nothing else.
        var guids = RoleVariablePattern().Matches(roles).ToDictionary(m => m.Groups["key"].Value, m => m.Groups["guid"].Value);
        var assignments = AssignmentPattern().Matches(roles)
            .Select(m => $"{m.Groups["scope"].Value} {m.Groups["principal"].Value} {guids[m.Groups["role"].Value]}")
            .Order(StringComparer.Ordinal);
        string[] expectedAssignments =
        [
            "appInsights appPrincipalId 3913510d-42f4-4e42-8a64-420c390055eb",
            "storage appPrincipalId 0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
            "storage appPrincipalId 974c5e8b-45b9-4653-ba55-5f855dd0fb88",
            "storage appPrincipalId b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
            "vault appPrincipalId 4633458b-17de-408a-b874-0445c86b69e6",
            "vault operatorPrincipalId b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
        ];
        Assert.Equal(expectedAssignments, assignments);
        Assert.Equal(6, Regex.Count(roles, "'Microsoft.Authorization/roleAssignments@"));
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
        Assert.Matches(@"runtime: \{\s*name: 'dotnet-isolated'\s+version: '10\.0'\s*\}", app);
        Assert.DoesNotContain("'custom'", app, StringComparison.Ordinal);
        Assert.Contains("DisableLocalAuth: true", monitoring, StringComparison.Ordinal);
    }

    [Fact]
    public void AppSettings_UseTheAppsConfigurationNames()
    {
        var settings = File.ReadAllText(Path.Combine(Infra, "modules", "appsettings.bicep"));
        var main = File.ReadAllText(Path.Combine(Infra, "main.bicep"));

        var plain = PlainSettingsPattern().Match(settings);
        Assert.True(plain.Success, "appsettings.bicep has no `var plain = { … }` block.");
        string[] expected =
        [
            "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
            "APPLICATIONINSIGHTS_CONNECTION_STRING",
            "Audit__TableName",
            "AzureWebJobsStorage__accountName",
            "AzureWebJobsStorage__credential",
            "Journal__ManagedTableName",
            "Journal__TableName",
            "KeyVault__KibanaApiKeySecretName",
            "KeyVault__Uri",
            "Kibana__Url",
            "People__TableName",
            "People__UnmappedPolicy",
            "Reconcile__Schedule",
            "Storage__QueueServiceUri",
            "Storage__TableServiceUri",
        ];
        var names = SettingNamePattern().Matches(plain.Groups["body"].Value).Select(m => m.Groups["name"].Value).Order(StringComparer.Ordinal);
        Assert.Equal(expected, names);
        Assert.Contains("AzureWebJobsStorage__credential: 'managedidentity'", settings, StringComparison.Ordinal);
        Assert.Contains("Storage__QueueServiceUri: queueServiceUri", settings, StringComparison.Ordinal);
        Assert.Contains("queueServiceUri: storage.outputs.queueEndpoint", main, StringComparison.Ordinal);

        Assert.Contains("Assignments__Tokens__0:", main, StringComparison.Ordinal);
        Assert.Contains("@Microsoft.KeyVault(SecretUri=", settings, StringComparison.Ordinal);
        // Flex takes the runtime from functionAppConfig and runs the package from the deployment container.
        Assert.DoesNotMatch(new Regex(@"^\s*(FUNCTIONS_WORKER_RUNTIME|FUNCTIONS_EXTENSION_VERSION|WEBSITE_RUN_FROM_PACKAGE)\s*:", RegexOptions.Multiline), settings);
    }

    [Fact]
    public void Storage_DeliveryQueues_CreatedOnTheAccountWhoseQueueEndpointTheAppGets()
    {
        var storage = File.ReadAllText(Path.Combine(Infra, "modules", "storage.bicep"));
        var main = File.ReadAllText(Path.Combine(Infra, "main.bicep"));

        Assert.Contains("output queueEndpoint string = account.properties.primaryEndpoints.queue", storage, StringComparison.Ordinal);
        Assert.Contains("'Microsoft.Storage/storageAccounts/queueServices/queues@", storage, StringComparison.Ordinal);
        Assert.Contains("var deliveryQueueName = 'deliveries'", main, StringComparison.Ordinal);
        Assert.Matches(@"queueNames: \[\s*deliveryQueueName\s+'\$\{deliveryQueueName\}-poison'\s+'\$\{deliveryQueueName\}-notices'\s+'\$\{deliveryQueueName\}-notices-poison'\s*\]", main);
    }

    [Fact]
    public void AzureYaml_DeploysTheDotnetProjectToTheFunctionApp()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, "azure.yaml"));

        // azd publishes the project itself; no custom build hook and no prebuilt folder.
        var service = lines.SkipWhile(line => line != "  api:").Skip(1).TakeWhile(line => line.StartsWith("    ", StringComparison.Ordinal)).ToArray();
        string[] expected = ["    project: ./src/AssignBridge", "    language: dotnet", "    host: function"];
        Assert.Equal(expected, service);
        Assert.Contains("  provider: bicep", lines);
        Assert.Contains("  path: infra", lines);
        Assert.DoesNotContain(lines, line => line.TrimStart().StartsWith("hooks:", StringComparison.Ordinal));
    }

    [GeneratedRegex(@": (Warning|Error) [A-Za-z0-9-]+:")]
    private static partial Regex DiagnosticPattern();

    [GeneratedRegex(@"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", RegexOptions.IgnoreCase)]
    private static partial Regex GuidPattern();

    [GeneratedRegex(@"^\s+(?<key>\w+): '(?<guid>[0-9a-f-]{36})'$", RegexOptions.Multiline)]
    private static partial Regex RoleVariablePattern();

    [GeneratedRegex(@"'Microsoft\.Authorization/roleAssignments@[^']+' = (?:if [^{\n]*)?\{\s*name: [^\n]+\s*scope: (?<scope>\w+)\s*properties: \{\s*roleDefinitionId: [^\n]*roles\.(?<role>\w+)\)\s*principalId: (?<principal>\w+)")]
    private static partial Regex AssignmentPattern();

    [GeneratedRegex(@"^var plain = \{(?<body>.*?)^\}", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex PlainSettingsPattern();

    [GeneratedRegex(@"^\s+(?<name>\w+):", RegexOptions.Multiline)]
    private static partial Regex SettingNamePattern();
}

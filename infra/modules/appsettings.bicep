// The function app's settings, named as the app reads them (docs/configuration.md: Section__Key). Secrets are Key
// Vault references (@Microsoft.KeyVault(SecretUri=…)); the app stops at start-up naming any that did not resolve.
// On Flex Consumption the runtime (dotnet-isolated 10.0) is functionAppConfig.runtime and the package runs from the
// deployment container, so FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION and WEBSITE_RUN_FROM_PACKAGE are not
// set here. The host's triggers (timer locks, the delivery queue) use AzureWebJobsStorage, the app's own tables and
// queue sends use Storage__*; both are the same account, reached with the app's managed identity.

@description('Function app name.')
param functionAppName string

@description('Storage account for AzureWebJobsStorage (identity-based).')
param storageAccountName string

@description('Table endpoint the app reaches with its managed identity.')
param tableServiceUri string

@description('Queue endpoint the app sends deliveries to with its managed identity.')
param queueServiceUri string

@description('Vault URI, e.g. https://name.vault.azure.net/.')
param keyVaultUri string

@description('Application Insights connection string (not a secret: it carries no key with local auth off).')
param appInsightsConnectionString string

@description('Kibana base URL.')
param kibanaUrl string

@description('Key Vault secret holding the Kibana API key.')
param kibanaApiKeySecretName string

@description('Mapping table name.')
param peopleTableName string

@description('Journal table name.')
param journalTableName string

@description('Managed-assignees table name.')
param managedTableName string

@description('Audit trail table name.')
param auditTableName string

@description('What to do with people who have no mapping: Reject, SkipAndReport or DefaultUid.')
param unmappedPolicy string

@description('NCRONTAB (with seconds) of the Reconcile timer function.')
param reconcileSchedule string

@description('App setting name to Key Vault secret name, for settings whose value is a Key Vault reference.')
param keyVaultReferences object

@description('Further plain settings (name to value).')
param extraSettings object = {}

// Chat commands (docs/senders/slack.md and teams.md). Their secrets, Slack__SigningSecrets__0
// and Teams__SecurityTokens__0 (…__1 while rotating), come through main.bicep's webhookSecrets as Key Vault references.
@description('Plain chat-command settings (Commands__*, Slack__*, Teams__*: allowlists, deadlines), name to value.')
param commandSettings object = {
  Commands__RequireMappedCaller: 'true'
}

resource site 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

var plain = {
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
  Kibana__Url: kibanaUrl
  KeyVault__Uri: keyVaultUri
  KeyVault__KibanaApiKeySecretName: kibanaApiKeySecretName
  Storage__TableServiceUri: tableServiceUri
  Storage__QueueServiceUri: queueServiceUri
  People__TableName: peopleTableName
  People__UnmappedPolicy: unmappedPolicy
  Journal__TableName: journalTableName
  Journal__ManagedTableName: managedTableName
  Audit__TableName: auditTableName
  Reconcile__Schedule: reconcileSchedule
}

var references = toObject(
  items(keyVaultReferences),
  reference => reference.key,
  reference => '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${reference.value}/)'
)

resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: union(plain, commandSettings, references, extraSettings)
}

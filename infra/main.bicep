// AssignBridge on Azure: a Flex Consumption function app on the .NET isolated worker (dotnet-isolated 10.0), a
// storage account without shared keys (mapping and journal tables, delivery queues, deployment container), a Key Vault
// with RBAC (Kibana API key, bearer token, webhook secrets), Application Insights on Log Analytics, and the app
// identity's role assignments. `azd up` deploys it with infra/main.parameters.json; see docs/deploy-azure.md.
targetScope = 'subscription'

@description('azd environment name; names and tags derive from it.')
@minLength(1)
@maxLength(64)
param environmentName string

@description('Azure region for every resource.')
param location string

@description('Resource group to create or use. Empty: rg-<environmentName>.')
param resourceGroupName string = ''

@description('Kibana base URL, with any base path (e.g. https://kibana.example.com/).')
param kibanaUrl string

@description('Key Vault secret that holds the Kibana API key (the encoded value of Elasticsearch\'s create-API-key answer).')
param kibanaApiKeySecretName string = 'kibana-api-key'

@description('Optional: the Kibana API key, written to the vault at deployment. Empty: put it there yourself (docs/deploy-azure.md).')
@secure()
param kibanaApiKey string = ''

@description('Optional: bearer token for POST /api/assignments, stored in Key Vault and referenced by Assignments__Tokens__0. Empty: no token; the route refuses everyone.')
@secure()
param assignmentsToken string = ''

@description('Optional: app setting name to secret value for the webhook and chat routes (e.g. {"Jira__Secrets__0": "…"}). Each value is stored in Key Vault and the setting becomes a Key Vault reference.')
@secure()
param webhookSecrets object = {}

@description('Optional: further plain app settings, name to value, e.g. {"Jira__AlertField": "customfield_10050", "Jira__ProjectSpaces__SOC": "soc"}. Not for secrets: use webhookSecrets.')
param extraAppSettings object = {}

@description('Optional: name of an existing Key Vault (RBAC authorization) in the resource group, used instead of a new one.')
param existingKeyVaultName string = ''

@description('Optional: name of an existing storage account in the resource group, used instead of a new one. Entra ID access must work on it.')
param existingStorageAccountName string = ''

@description('NCRONTAB with seconds, UTC, of the Reconcile timer.')
param reconcileSchedule string = '0 */5 * * * *'

@description('What to do when someone has no mapping.')
@allowed([
  'Reject'
  'SkipAndReport'
  'DefaultUid'
])
param unmappedPolicy string = 'Reject'

@description('Mapping table name.')
param peopleTableName string = 'people'

@description('Journal table name.')
param journalTableName string = 'journal'

@description('Table of bridge-managed assignees per alert and the newest event per ticket.')
param managedTableName string = 'managed'

@description('Audit trail table name.')
param auditTableName string = 'audit'

@description('Most instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory per instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Optional: a user or group object id granted Key Vault Secrets Officer on the vault to set secrets (azd passes your own). Empty: none.')
param operatorPrincipalId string = ''

@description('Type of operatorPrincipalId.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param operatorPrincipalType string = 'User'

var token = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
  application: 'assignbridge'
}
var appName = 'func-assignbridge-${token}'
var createKeyVault = empty(existingKeyVaultName)
var createStorage = empty(existingStorageAccountName)
var keyVaultName = createKeyVault ? 'kv-ab-${token}' : existingKeyVaultName
var storageAccountName = createStorage ? 'stab${token}' : existingStorageAccountName
var deploymentContainerName = 'app-package-${take(token, 20)}'
var assignmentsTokenSecretName = 'assignments-token-0'
// The app sends to this queue (and assignment notices to <name>-notices) and its queue triggers read them; the host
// moves a message it gives up on to the poison queue.
var deliveryQueueName = 'deliveries'

// Key Vault secret names allow letters, digits and hyphens: Jira__Secrets__0 is stored as jira-secrets-0.
var webhookReferences = toObject(items(webhookSecrets), s => s.key, s => toLower(replace(replace(s.key, '__', '-'), '_', '-')))
var webhookSecretValues = toObject(items(webhookSecrets), s => toLower(replace(replace(s.key, '__', '-'), '_', '-')), s => s.value)

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: empty(resourceGroupName) ? 'rg-${environmentName}' : resourceGroupName
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    location: location
    workspaceName: 'log-assignbridge-${token}'
    appInsightsName: 'appi-assignbridge-${token}'
    tags: tags
  }
}

module storageAccount 'modules/storage-account.bicep' = if (createStorage) {
  name: 'storage-account'
  scope: rg
  params: {
    location: location
    name: storageAccountName
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    accountName: storageAccountName
    tableNames: [
      peopleTableName
      journalTableName
      managedTableName
      auditTableName
    ]
    queueNames: [
      deliveryQueueName
      '${deliveryQueueName}-poison'
      '${deliveryQueueName}-notices'
      '${deliveryQueueName}-notices-poison'
    ]
    deploymentContainerName: deploymentContainerName
  }
  dependsOn: [
    storageAccount
  ]
}

module keyVault 'modules/keyvault.bicep' = if (createKeyVault) {
  name: 'key-vault'
  scope: rg
  params: {
    location: location
    name: keyVaultName
    tags: tags
  }
}

module keyVaultSecrets 'modules/keyvault-secrets.bicep' = {
  name: 'key-vault-secrets'
  scope: rg
  params: {
    vaultName: keyVaultName
    secrets: union(
      {
        '${kibanaApiKeySecretName}': kibanaApiKey
        '${assignmentsTokenSecretName}': assignmentsToken
      },
      webhookSecretValues
    )
  }
  dependsOn: [
    keyVault
  ]
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'function-app'
  scope: rg
  params: {
    location: location
    name: appName
    planName: 'plan-assignbridge-${token}'
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    tags: union(tags, { 'azd-service-name': 'api' })
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  scope: rg
  params: {
    appPrincipalId: functionApp.outputs.principalId
    vaultName: keyVaultName
    storageAccountName: storageAccountName
    appInsightsName: monitoring.outputs.appInsightsName
    operatorPrincipalId: operatorPrincipalId
    operatorPrincipalType: operatorPrincipalType
  }
  dependsOn: [
    keyVault
  ]
}

module appSettings 'modules/appsettings.bicep' = {
  name: 'app-settings'
  scope: rg
  params: {
    functionAppName: functionApp.outputs.name
    storageAccountName: storageAccountName
    tableServiceUri: storage.outputs.tableEndpoint
    queueServiceUri: storage.outputs.queueEndpoint
    keyVaultUri: keyVaultSecrets.outputs.vaultUri
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    kibanaUrl: kibanaUrl
    kibanaApiKeySecretName: kibanaApiKeySecretName
    peopleTableName: peopleTableName
    journalTableName: journalTableName
    managedTableName: managedTableName
    auditTableName: auditTableName
    unmappedPolicy: unmappedPolicy
    reconcileSchedule: reconcileSchedule
    keyVaultReferences: union(empty(assignmentsToken) ? {} : { Assignments__Tokens__0: assignmentsTokenSecretName }, webhookReferences)
    extraSettings: extraAppSettings
  }
  dependsOn: [
    roles
  ]
}

var baseUrl = 'https://${functionApp.outputs.defaultHostName}'

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = subscription().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_KEY_VAULT_NAME string = keyVaultName
output AZURE_STORAGE_ACCOUNT_NAME string = storageAccountName
output FUNCTION_APP_URL string = baseUrl
output HEALTH_URL string = '${baseUrl}/api/health'
// Every route but health needs the function key too: ?code=<key> or the x-functions-key header (docs/deploy-azure.md).
output ASSIGNMENTS_URL string = '${baseUrl}/api/assignments'
output WEBHOOK_JIRA_URL string = '${baseUrl}/api/webhooks/jira'
output WEBHOOK_SERVICENOW_URL string = '${baseUrl}/api/webhooks/servicenow'
output COMMAND_SLACK_URL string = '${baseUrl}/api/commands/slack'
output COMMAND_TEAMS_URL string = '${baseUrl}/api/commands/teams'

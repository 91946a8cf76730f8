// Secrets written at deployment time, only those given a value: the rest are set by an operator (see docs/deploy-azure.md
// "Secrets through webhookSecrets"). Works on a new or an existing vault.

@description('Name of the vault (created by keyvault.bicep or brought by the caller).')
param vaultName string

@description('Secret name to value; empty values are skipped.')
@secure()
param secrets object

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: vaultName
}

resource written 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = [
  for secret in items(secrets): if (!empty(secret.value)) {
    parent: vault
    name: secret.key
    properties: {
      value: secret.value
      contentType: 'text/plain'
    }
  }
]

output vaultUri string = vault.properties.vaultUri

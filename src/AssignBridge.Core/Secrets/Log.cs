namespace AssignBridge.Secrets;

internal static partial class Log
{
    [LoggerMessage(5201, LogLevel.Warning, "The {Secret} comes from the {Setting} setting. That is for local runs only; use KeyVault:Uri elsewhere.")]
    public static partial void LocalSecretInUse(ILogger logger, string secret, string setting);

    [LoggerMessage(5202, LogLevel.Information, "Read the {Secret} from Key Vault secret {SecretName}, version {Version}.")]
    public static partial void SecretRead(ILogger logger, string secret, string secretName, string version);

    [LoggerMessage(5203, LogLevel.Error, "Could not read Key Vault secret {SecretName}: status {Status}, code {ErrorCode}.")]
    public static partial void SecretReadFailed(ILogger logger, string secretName, int status, string? errorCode);
}

namespace AssignBridge.Secrets;

internal static partial class Log
{
    [LoggerMessage(5201, LogLevel.Warning, "The Kibana API key comes from the {Setting} setting. That is for local runs only; use KeyVault:Uri elsewhere.")]
    public static partial void LocalKeyInUse(ILogger logger, string setting);

    [LoggerMessage(5202, LogLevel.Information, "Read the Kibana API key from Key Vault secret {SecretName}, version {Version}.")]
    public static partial void KeyRead(ILogger logger, string secretName, string version);

    [LoggerMessage(5203, LogLevel.Error, "Could not read Key Vault secret {SecretName}: status {Status}, code {ErrorCode}.")]
    public static partial void KeyReadFailed(ILogger logger, string secretName, int status, string? errorCode);
}

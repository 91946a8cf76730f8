namespace AssignBridge.Tickets;

internal static partial class Log
{
    [LoggerMessage(8201, LogLevel.Information, "{System} refused the credential with 401; re-read {Credential} and sent the request once more.")]
    public static partial void CredentialRenewed(ILogger logger, string system, string credential);

    [LoggerMessage(8202, LogLevel.Error, "{System} refused the credential with 401 and {Credential} holds no newer one; put a valid one there.")]
    public static partial void CredentialRefused(ILogger logger, string system, string credential);

    [LoggerMessage(8203, LogLevel.Error, "{System} refused the credential with 401, also after re-reading {Credential}; put a valid one there.")]
    public static partial void RenewedCredentialRefused(ILogger logger, string system, string credential);

    [LoggerMessage(8204, LogLevel.Warning, "{System} did not answer a {Method} request: {Reason}.")]
    public static partial void NoAnswer(ILogger logger, string system, string method, string reason);

    [LoggerMessage(8205, LogLevel.Information, "{System} answered {Status} to a {Method} request: {Detail}")]
    public static partial void FailureAnswer(ILogger logger, string system, int status, string method, string detail);

    [LoggerMessage(8206, LogLevel.Information, "ServiceNow token endpoint answered 401 invalid_client; re-read {Credential} and asked once more.")]
    public static partial void ClientSecretRenewed(ILogger logger, string credential);

    [LoggerMessage(8207, LogLevel.Debug, "Got a ServiceNow access token for client {ClientId}, valid for {ExpiresIn} s.")]
    public static partial void TokenIssued(ILogger logger, string clientId, long expiresIn);
}

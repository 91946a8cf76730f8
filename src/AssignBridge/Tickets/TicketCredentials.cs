using System.Net.Http.Headers;
using AssignBridge.Secrets;

namespace AssignBridge.Tickets;

/// <summary>The <c>Authorization</c> header of a request and what it was made from. <see cref="ToString"/> never shows the header's value.</summary>
internal sealed class TicketCredential(AuthenticationHeaderValue header, object source)
{
    public AuthenticationHeaderValue Header => header;

    /// <summary>The secret value or token the header was made from: a renewal is asked for with it.</summary>
    public object Source => source;

    public override string ToString() => $"TicketCredential {{ {header.Scheme} }}";
}

/// <summary>How a writer signs its requests. Implementations are thread-safe singletons.</summary>
internal interface ITicketCredentials
{
    /// <summary>What the credential is, for messages: "Key Vault secret 'jira-api-token'". Never a value.</summary>
    string Name { get; }

    /// <exception cref="SecretUnavailableException">The secret cannot be read.</exception>
    /// <exception cref="TicketWriteException">A token endpoint refused or did not answer.</exception>
    Task<TicketCredential> GetAsync(CancellationToken cancellationToken);

    /// <summary>
    /// After the ticket API answered 401 to <paramref name="rejected"/>: a newer credential to try once, or null when its
    /// source holds nothing newer (the 401 stands). Concurrent callers with the same rejected credential share one read.
    /// </summary>
    Task<TicketCredential?> RenewAsync(TicketCredential rejected, CancellationToken cancellationToken);
}

/// <summary>A credential made from one secret (an API token, a personal access token, a password), re-read once on a 401.</summary>
internal sealed class SecretCredentials(CachedSecret secret, Func<string, AuthenticationHeaderValue> header) : ITicketCredentials
{
    public string Name => secret.Source;

    public async Task<TicketCredential> GetAsync(CancellationToken cancellationToken)
    {
        var value = await secret.GetAsync(cancellationToken);
        return new TicketCredential(header(value.Value), value);
    }

    public async Task<TicketCredential?> RenewAsync(TicketCredential rejected, CancellationToken cancellationToken)
    {
        var stale = (SecretValue)rejected.Source;
        var fresh = await secret.RefreshAsync(stale, cancellationToken);
        return string.Equals(fresh.Value, stale.Value, StringComparison.Ordinal) ? null : new TicketCredential(header(fresh.Value), fresh);
    }

    public static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{user}:{password}")));

    public static AuthenticationHeaderValue Bearer(string token) => new("Bearer", token);
}

namespace ServiceNowSimulator;

/// <summary>Who the simulator lets in. Read once when the simulator starts; later changes have no effect.</summary>
public sealed class ServiceNowSimulatorOptions
{
    /// <summary>Basic auth: user name → password.</summary>
    public IDictionary<string, string> BasicUsers { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary><c>/oauth_token.do</c> client-credentials clients: client id → its secret and the user name its tokens act as.</summary>
    public IDictionary<string, OAuthClient> OAuthClients { get; } = new Dictionary<string, OAuthClient>(StringComparer.Ordinal);

    /// <summary>User names that authenticate but fail the write ACL: 403 on PATCH and PUT.</summary>
    public ISet<string> ReadOnlyUsers { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>What the token endpoint says in <c>expires_in</c>; ServiceNow's default access-token lifespan is 1,800 s.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromSeconds(1800);

    /// <summary>What a 429 says in <c>X-RateLimit-Limit</c> (requests an hour).</summary>
    public int RateLimit { get; set; } = 1000;
}

public sealed record OAuthClient(string Secret, string UserName);

namespace JiraSimulator;

/// <summary>Who the simulator lets in. Read once when the simulator starts; later changes have no effect.</summary>
public sealed class JiraSimulatorOptions
{
    /// <summary>Jira Cloud basic auth: e-mail address → API token.</summary>
    public IDictionary<string, string> CloudApiTokens { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Jira Data Center <c>Authorization: Bearer</c>: personal access token → the user name it acts as.</summary>
    public IDictionary<string, string> PersonalAccessTokens { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Callers (e-mail or Data Center user name) that may browse issues but lack the Assign Issues permission: 403.</summary>
    public ISet<string> WithoutAssignPermission { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>What a 429 says in <c>X-RateLimit-Limit</c>.</summary>
    public int RateLimit { get; set; } = 100;
}

namespace AssignBridge.People;

// A person as a sender names them: a Kibana user-profile UID (namespace uid), an email, or an id in one of
// the identity namespaces, optionally with an email to fall back on.
internal sealed record PersonRef(string Namespace, string Id, string? Email = null)
{
    public const string UidNamespace = "uid";
    public const string EmailNamespace = "email";

    /// <summary>The identity namespaces of the mapping table (ARCHITECTURE.md, "Mapping table").</summary>
    public static readonly IReadOnlySet<string> TableNamespaces = new HashSet<string>(StringComparer.Ordinal)
    {
        "jira", "jira-dc", "servicenow", "slack", "teams", EmailNamespace,
    };

    public static PersonRef ForUid(string uid) => new(UidNamespace, uid);

    public static PersonRef ForEmail(string email) => new(EmailNamespace, NormalizeEmail(email));

    public bool IsUid => Namespace == UidNamespace;

    /// <summary>Emails are matched without regard to case or surrounding spaces.</summary>
    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    public override string ToString() => $"{Namespace}:{Id}";
}

internal enum ResolvedVia
{
    /// <summary>The sender gave a Kibana UID.</summary>
    Uid,

    /// <summary>A row in the person's own namespace.</summary>
    Direct,

    /// <summary>No row in the namespace; the email row answered.</summary>
    Email,

    /// <summary>Unmapped; the configured default UID stands in.</summary>
    Default,
}

internal sealed record PersonResolution(PersonRef Person, string? Uid, ResolvedVia? Via, string? Reason)
{
    public bool IsResolved => Uid is not null;

    public static PersonResolution Resolved(PersonRef person, string uid, ResolvedVia via) => new(person, uid, via, null);

    public static PersonResolution Unmapped(PersonRef person, string reason) => new(person, null, null, reason);
}

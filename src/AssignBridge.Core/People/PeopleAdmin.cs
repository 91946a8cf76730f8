using System.Text.Json.Serialization;
using AssignBridge.Kibana;
using AssignBridge.Platform.Validation;

namespace AssignBridge.People;

/// <summary>The answer of <c>people resolve</c> and <c>GET /api/manage/people/resolve</c>: which row answers and why.</summary>
internal sealed record ResolveAnswer(
    [property: JsonPropertyName("person")] string Person,
    [property: JsonPropertyName("via")] string Via,
    [property: JsonPropertyName("kibanaUid")] string? KibanaUid,
    [property: JsonPropertyName("row")] PersonView? Row,
    [property: JsonPropertyName("explanation")] string Explanation);

/// <summary>The answer of <c>people reverse</c> and <c>GET /api/manage/people/reverse</c>: a Kibana UID's id in one namespace.</summary>
internal sealed record ReverseAnswer(
    [property: JsonPropertyName("kibanaUid")] string KibanaUid,
    [property: JsonPropertyName("namespace")] string Namespace,
    [property: JsonPropertyName("externalId")] string ExternalId);

/// <summary>A proposed <c>email</c> mapping from a Kibana user profile.</summary>
internal sealed record DiscoveredMapping(
    [property: JsonPropertyName("email")] string Email,
    [property: JsonPropertyName("kibanaUid")] string KibanaUid,
    [property: JsonPropertyName("displayName")] string? DisplayName,
    [property: JsonPropertyName("username")] string? Username);

/// <summary>Operations shared by the CLI and the admin routes, so both explain and discover the same way.</summary>
internal static class PeopleAdmin
{
    // Resolves through ResolveAsync (the same logic as assignments, default policy
    // included) and names the row that answered.
    public static async Task<ResolveAnswer> ResolveAsync(PeopleDirectory directory, PeopleStore store, PersonRef person, CancellationToken cancellationToken)
    {
        var resolution = await directory.ResolveAsync(person, allowDefault: true, cancellationToken);
        var shown = person.Email is null ? person.ToString() : $"{person} (email {person.Email})";
        switch (resolution.Via)
        {
            case ResolvedVia.Direct:
            case ResolvedVia.Email when person.Namespace == PersonRef.EmailNamespace:
                var direct = await store.GetAsync(person.Namespace, person.Id, cancellationToken);
                return new ResolveAnswer(shown, "direct", resolution.Uid, direct is null ? null : PersonView.From(direct),
                    $"the row {person.Namespace}:{person.Id} maps it to {resolution.Uid}");
            case ResolvedVia.Email:
                var email = PersonRef.NormalizeEmail(person.Email!);
                var byEmail = await store.GetAsync(PersonRef.EmailNamespace, email, cancellationToken);
                return new ResolveAnswer(shown, "email-fallback", resolution.Uid, byEmail is null ? null : PersonView.From(byEmail),
                    $"no row {person.Namespace}:{person.Id}; the row email:{email} maps it to {resolution.Uid}");
            case ResolvedVia.Default:
                return new ResolveAnswer(shown, "default", resolution.Uid, null,
                    $"{resolution.Reason}; People:UnmappedPolicy is DefaultUid, so People:DefaultUid {resolution.Uid} stands in");
            case ResolvedVia.Uid:
                return new ResolveAnswer(shown, "uid", resolution.Uid, null, "a Kibana UID, used as is");
            default:
                return new ResolveAnswer(shown, "unmapped", null, null, $"{resolution.Reason}; assignments naming this person follow People:UnmappedPolicy");
        }
    }

    /// <summary>
    /// Checks what a user gives for reverse: a namespace of the mapping table and a UID by the rule every mapping's UID
    /// was held to. Returns the problem as a sentence naming the bad parameter (as <paramref name="uidName"/> and
    /// <paramref name="namespaceName"/> call them), or null.
    /// </summary>
    public static string? ReverseProblem(string? uid, string? ns, string uidName, string namespaceName)
    {
        if (string.IsNullOrWhiteSpace(ns))
        {
            return $"{namespaceName} is missing: give the namespace whose id you want ({string.Join(", ", PersonRef.TableNamespaces)}).";
        }

        if (!PersonRef.TableNamespaces.Contains(ns))
        {
            return $"{namespaceName} '{ns}' is not a namespace of the mapping table ({string.Join(", ", PersonRef.TableNamespaces)}).";
        }

        return InputRules.Uid(uidName, uid) is { } problem ? problem + "." : null;
    }

    /// <summary>The sentence for a UID no mapping of the namespace names.</summary>
    public static string NoReverseMapping(string uid, string ns) =>
        $"No mapping in namespace '{ns}' names the Kibana UID '{uid}'" + (ns == PersonRef.EmailNamespace ? "." : " (email rows do not answer for other namespaces: a ticket system needs its own id).");

    /// <summary>Parses what a user types for resolve: <c>namespace:id</c>, or an email.</summary>
    public static PersonRef? ParsePerson(string text, string? email, out string? problem)
    {
        var (ns, id, keyProblem) = PeopleStore.ParseKey(text.Trim());
        problem = keyProblem;
        if (ns is null)
        {
            return null;
        }

        return string.IsNullOrWhiteSpace(email) || ns == PersonRef.EmailNamespace ? new PersonRef(ns, id!) : new PersonRef(ns, id!, email.Trim());
    }

    /// <summary>
    /// Asks Kibana (internal route <c>users/_find</c>) for the profiles of users who have logged in, and turns each
    /// enabled profile with an email into a proposed <c>email</c> mapping.
    /// </summary>
    /// <exception cref="KibanaRequestException">Kibana refused or could not be reached; see <see cref="ExplainDiscoveryFailure"/>.</exception>
    public static async Task<IReadOnlyList<DiscoveredMapping>> DiscoverAsync(KibanaClient kibana, string space, IReadOnlyList<string> searchTerms, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, DiscoveredMapping>(StringComparer.Ordinal);
        foreach (var term in searchTerms.DefaultIfEmpty(""))
        {
            foreach (var profile in await kibana.FindUserProfilesAsync(space, term, cancellationToken))
            {
                if (profile.Enabled && profile.Email is { } email && InputRules.IsEmail(PersonRef.NormalizeEmail(email)))
                {
                    var key = PersonRef.NormalizeEmail(email);
                    found.TryAdd(key, new DiscoveredMapping(key, profile.Uid, profile.FullName ?? profile.Username, profile.Username));
                }
            }
        }

        return [.. found.Values.OrderBy(m => m.Email, StringComparer.Ordinal)];
    }

    public static string ExplainDiscoveryFailure(KibanaRequestException exception) => exception.StatusCode switch
    {
        404 => "Kibana has no GET /internal/detection_engine/users/_find route (Kibana before 8.12, or the internal route changed). Add email mappings from Kibana's user profiles by hand or with `people import`.",
        400 when exception.KibanaMessage.Contains("not available with the current configuration", StringComparison.Ordinal) =>
            $"Kibana refused the internal route as restricted (server.restrictInternalApis) although x-elastic-internal-origin was sent: {exception.KibanaMessage}",
        400 => $"Kibana refused the user look-up: {exception.KibanaMessage}",
        401 => "Kibana refused the API key (401).",
        403 => $"The API key may not look up users (403): {exception.KibanaMessage}. It needs the Security Solution privilege to read users (users-read).",
        0 => $"Kibana did not answer: {exception.KibanaMessage}",
        _ => $"Kibana answered {exception.StatusCode}: {exception.KibanaMessage}",
    };
}

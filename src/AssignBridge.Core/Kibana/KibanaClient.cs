using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace AssignBridge.Kibana;

/// <summary>
/// Kibana's alert-assignees and signals-search routes (kibana-api-facts.md §1 and §2).
/// Thread-safe. Headers, the API key and retries come from the handlers registered with the typed client;
/// every failure surfaces as one <see cref="KibanaRequestException"/>.
/// </summary>
internal sealed class KibanaClient(HttpClient httpClient, IOptions<KibanaOptions> options)
{
    public const string AssigneesRoute = "api/detection_engine/signals/assignees";
    public const string SearchRoute = "api/detection_engine/signals/search";
    public const string AssigneesField = "kibana.alert.workflow_assignee_ids";

    /// <summary>Kibana's internal user-suggestion route (kibana-api-facts.md §3a). Internal: no compatibility promise.</summary>
    public const string FindUsersRoute = "internal/detection_engine/users/_find";

    /// <summary>Adds and removes assignees on the given alerts of one space, in one request.</summary>
    /// <exception cref="ArgumentException">The request breaks one of Kibana's own rules, or holds more ids than <see cref="KibanaOptions.MaxIdsPerRequest"/>.</exception>
    /// <exception cref="KibanaRequestException">Kibana refused the request or could not be reached.</exception>
    public async Task<UpdateByQueryResponse> SetAssigneesAsync(
        string space, IReadOnlyList<string> alertIds, IReadOnlyList<string> add, IReadOnlyList<string> remove, CancellationToken cancellationToken = default)
    {
        AssigneesRequestValidator.ThrowIfInvalid(space, alertIds, add, remove);

        if (alertIds.Count > options.Value.MaxIdsPerRequest)
        {
            throw new ArgumentException($"{alertIds.Count} alert ids exceed the {options.Value.MaxIdsPerRequest} allowed per request; the planner chunks them.", nameof(alertIds));
        }

        var body = new SetAlertAssigneesBody(new AlertAssignees(add, remove), alertIds);
        var content = JsonContent.Create(body, KibanaJsonContext.Default.SetAlertAssigneesBody);
        using var response = await SendAsync(HttpMethod.Post, KibanaSpaces.Prefix(space) + AssigneesRoute, content, cancellationToken);
        var answer = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        try
        {
            return JsonSerializer.Deserialize(answer, KibanaJsonContext.Default.UpdateByQueryResponse)
                ?? throw KibanaRequestException.NotKibanasAnswer(response, answer, "signals/assignees", "an update-by-query result");
        }
        catch (JsonException)
        {
            // A proxy's sign-in page, a body cut short, or JSON without Kibana's counts: not an answer to act on.
            throw KibanaRequestException.NotKibanasAnswer(response, answer, "signals/assignees", "an update-by-query result");
        }
    }

    /// <summary>
    /// Reads the current assignees of alerts through signals/search. Alerts that do not exist are absent from the
    /// result; an alert never assigned maps to an empty list.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> GetAssigneesAsync(
        string space, IReadOnlyList<string> alertIds, CancellationToken cancellationToken = default)
    {
        AssigneesRequestValidator.ThrowIfBadSpace(space);
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var chunk in alertIds.Distinct(StringComparer.Ordinal).Chunk(options.Value.MaxIdsPerRequest))
        {
            var content = new ByteArrayContent(SearchBody(chunk));
            content.Headers.ContentType = new("application/json");
            using var response = await SendAsync(HttpMethod.Post, KibanaSpaces.Prefix(space) + SearchRoute, content, cancellationToken);
            using var document = await ParseAsync(response, "signals/search", "a search result", cancellationToken);
            ReadHits(document.RootElement, result);
        }

        return result;
    }

    /// <summary>Asks <c>GET /api/status</c>, which needs a valid key: the cheapest proof that Kibana answers and accepts the key.</summary>
    public async Task CheckStatusAsync(CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, "api/status", content: null, cancellationToken);
    }

    /// <summary>
    /// Finds user profiles of users who have logged into Kibana and may log into <paramref name="space"/>, through the
    /// internal route <c>GET /internal/detection_engine/users/_find</c> (kibana-api-facts.md §3a). Kibana answers at
    /// most 10 profiles per search term. Internal routes may change or vanish between Kibana versions.
    /// </summary>
    /// <exception cref="KibanaRequestException">Kibana refused the request (404: the route does not exist in this version) or could not be reached.</exception>
    public async Task<IReadOnlyList<KibanaUserProfile>> FindUserProfilesAsync(string space, string? searchTerm, CancellationToken cancellationToken = default)
    {
        AssigneesRequestValidator.ThrowIfBadSpace(space);
        var path = KibanaSpaces.Prefix(space) + FindUsersRoute + (string.IsNullOrEmpty(searchTerm) ? "" : "?searchTerm=" + Uri.EscapeDataString(searchTerm));
        using var response = await SendAsync(HttpMethod.Get, path, content: null, cancellationToken, request =>
        {
            // Internal routes need this header when server.restrictInternalApis is on (the default since 9.0), and are versioned "1".
            request.Headers.Add("x-elastic-internal-origin", "AssignBridge");
            request.Headers.Add("elastic-api-version", "1");
        });
        using var document = await ParseAsync(response, "users/_find", "a list of user profiles", cancellationToken);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new KibanaRequestException(200, "users/_find answered with something other than an array of user profiles.", isRetryable: false);
        }

        var profiles = new List<KibanaUserProfile>();
        foreach (var item in document.RootElement.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("uid", out var uid) || uid.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            var user = item.TryGetProperty("user", out var u) && u.ValueKind == JsonValueKind.Object ? u : default;
            profiles.Add(new KibanaUserProfile(
                uid.GetString()!,
                !item.TryGetProperty("enabled", out var enabled) || enabled.ValueKind != JsonValueKind.False,
                StringOf(user, "username"),
                StringOf(user, "email"),
                StringOf(user, "full_name")));
        }

        return profiles;

        static string? StringOf(JsonElement element, string name) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken, Action<HttpRequestMessage>? prepare = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        prepare?.Invoke(request);
        HttpResponseMessage response;
        try
        {
            response = await httpClient.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            throw new KibanaRequestException(0, exception.HttpRequestError.ToString(), isRetryable: true, innerException: exception);
        }
        catch (TimeoutRejectedException exception)
        {
            throw new KibanaRequestException(0, "timed out", isRetryable: true, innerException: exception);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new KibanaRequestException(0, "timed out", isRetryable: true, innerException: exception);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await KibanaRequestException.FromResponseAsync(response, cancellationToken);
        }
    }

    /// <summary>Kibana's JSON answer; anything else (HTML, text, a body cut short) is a failure that names the route and what came back.</summary>
    private static async Task<JsonDocument> ParseAsync(HttpResponseMessage response, string route, string expected, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            throw KibanaRequestException.NotKibanasAnswer(response, body, route, expected);
        }
    }

    private static byte[] SearchBody(string[] ids)
    {
        // {"query":{"bool":{"filter":[{"terms":{"_id":[…]}}]}},"_source":[field],"size":n} as kibana-api-facts.md §2 recommends.
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("query");
            writer.WriteStartObject("bool");
            writer.WriteStartArray("filter");
            writer.WriteStartObject();
            writer.WriteStartObject("terms");
            writer.WriteStartArray("_id");
            foreach (var id in ids)
            {
                writer.WriteStringValue(id);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteStartArray("_source");
            writer.WriteStringValue(AssigneesField);
            writer.WriteEndArray();
            writer.WriteNumber("size", ids.Length);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void ReadHits(JsonElement root, Dictionary<string, IReadOnlyList<string>> result)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("hits", out var hits) || hits.ValueKind != JsonValueKind.Object
            || !hits.TryGetProperty("hits", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            throw new KibanaRequestException(200, "signals/search answered without hits.hits.", isRetryable: false);
        }

        foreach (var hit in items.EnumerateArray())
        {
            if (hit.ValueKind != JsonValueKind.Object || !hit.TryGetProperty("_id", out var idElement) || idElement.ValueKind != JsonValueKind.String)
            {
                throw new KibanaRequestException(200, "signals/search answered with a hit that has no _id.", isRetryable: true);
            }

            var id = idElement.GetString()!;
            var assignees = new List<string>();
            if (hit.TryGetProperty("_source", out var source)
                && source.ValueKind == JsonValueKind.Object
                && source.TryGetProperty(AssigneesField, out var field)
                && field.ValueKind == JsonValueKind.Array)
            {
                assignees.AddRange(field.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!));
            }

            result[id] = assignees;
        }
    }
}

/// <summary>A Kibana user profile as <c>users/_find</c> returns it; email and full name are absent when Kibana has none.</summary>
internal sealed record KibanaUserProfile(string Uid, bool Enabled, string? Username, string? Email, string? FullName);

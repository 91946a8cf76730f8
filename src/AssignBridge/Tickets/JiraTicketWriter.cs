using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using AssignBridge.Secrets;
using Microsoft.Extensions.Options;
using AssignBridge.Platform.Http;

namespace AssignBridge.Tickets;

/// <summary>
/// Reads and sets a Jira issue's assignee (docs/ticket-apis.md "Jira"): Cloud through <c>/rest/api/3</c> by account id,
/// Data Center through <c>/rest/api/2</c> by user name. One attempt per call; a 401 re-reads the token once.
/// </summary>
internal sealed partial class JiraTicketWriter(HttpClient http, JiraCredentials credentials, IOptions<JiraApiOptions> options, TimeProvider time, ILogger<JiraTicketWriter> logger)
    : ITicketWriter
{
    public const string SourceName = "jira";

    internal static readonly TicketSystem Jira = new("Jira", ParseDetail, RetryAfterOf);

    private readonly TicketApi _api = new(http, Jira, time, logger);

    public string Source => SourceName;

    public string Namespace => DataCenter ? "jira-dc" : "jira";

    public bool Configured => options.Value.Configured;

    private bool DataCenter => options.Value.Flavor == JiraFlavor.DataCenter;

    private string Version => DataCenter ? "2" : "3";

    // Cloud names users by accountId, Data Center by name (docs/ticket-apis.md "Assign issue").
    private string UserField => DataCenter ? "name" : "accountId";

    public async Task<string?> GetAssigneeAsync(string ticketKey, CancellationToken cancellationToken)
    {
        var issue = IssueOf(ticketKey);
        ThrowIfNotConfigured();
        var body = await _api.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"rest/api/{Version}/issue/{issue}?fields=assignee"), credentials, cancellationToken);
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("fields", out var fields) || fields.ValueKind != JsonValueKind.Object)
            {
                throw _api.NotTheAnswer(body, "an issue with fields");
            }

            if (!fields.TryGetProperty("assignee", out var assignee) || assignee.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            return assignee.ValueKind == JsonValueKind.Object && assignee.TryGetProperty(UserField, out var id) && id.ValueKind == JsonValueKind.String
                ? id.GetString()
                : throw _api.NotTheAnswer(body, $"an assignee with {UserField}");
        }
        catch (JsonException)
        {
            throw _api.NotTheAnswer(body, "Jira's JSON issue");
        }
    }

    public async Task SetAssigneeAsync(string ticketKey, string? personId, CancellationToken cancellationToken)
    {
        var issue = IssueOf(ticketKey);
        if (personId is "" or "-1")
        {
            // "-1" would pick the project's default assignee; the sync names a person or nobody.
            throw new ArgumentException($"'{personId}' is no Jira {UserField}; pass null to unassign.", nameof(personId));
        }

        ThrowIfNotConfigured();
        var json = AssigneeBody(personId);
        await _api.SendAsync(() => new HttpRequestMessage(HttpMethod.Put, $"rest/api/{Version}/issue/{issue}/assignee") { Content = Json(json) }, credentials, cancellationToken);
    }

    /// <summary>Jira's error collection <c>{"errorMessages": [...], "errors": {field: message}}</c> as one line; null for another shape.</summary>
    internal static string? ParseDetail(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || (!root.TryGetProperty("errorMessages", out _) && !root.TryGetProperty("errors", out _)))
            {
                return null;
            }

            var parts = new List<string>();
            if (root.TryGetProperty("errorMessages", out var messages) && messages.ValueKind == JsonValueKind.Array)
            {
                parts.AddRange(messages.EnumerateArray().Select(m => m.ValueKind == JsonValueKind.String ? m.GetString()! : m.GetRawText()));
            }

            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                parts.AddRange(errors.EnumerateObject().Select(e => $"{e.Name}: {(e.Value.ValueKind == JsonValueKind.String ? e.Value.GetString() : e.Value.GetRawText())}"));
            }

            return parts.Count == 0 ? null : ErrorBodies.Shorten(string.Join("; ", parts));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary><c>Retry-After</c>, else Jira Cloud's <c>X-RateLimit-Reset</c> (an ISO 8601 time, <c>yyyy-MM-ddTHH:mmZ</c>).</summary>
    internal static TimeSpan? RetryAfterOf(HttpResponseMessage response, DateTimeOffset now)
    {
        if (TicketWriteException.RetryAfterOf(response, now) is { } retryAfter)
        {
            return retryAfter;
        }

        return response.Headers.TryGetValues("X-RateLimit-Reset", out var values)
            && DateTimeOffset.TryParse(values.First(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var reset)
            ? TicketWriteException.Until(reset, now)
            : null;
    }

    private static string IssueOf(string ticketKey)
    {
        var issue = TicketUrls.Rest(ticketKey, SourceName, "jira:{issueIdOrKey}");
        return IssueIdOrKey().IsMatch(issue)
            ? issue
            : throw new ArgumentException($"'{ticketKey}' does not name a Jira issue id or key.", nameof(ticketKey));
    }

    private void ThrowIfNotConfigured()
    {
        if (!Configured)
        {
            throw new InvalidOperationException("Jira sync is not configured: set Jira:Api:BaseUrl (and, for Cloud, Jira:Api:Email).");
        }
    }

    private byte[] AssigneeBody(string? personId)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (personId is null)
            {
                writer.WriteNull(UserField);
            }
            else
            {
                writer.WriteString(UserField, personId);
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static ByteArrayContent Json(byte[] json)
    {
        var content = new ByteArrayContent(json);
        content.Headers.ContentType = new("application/json");
        return content;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$")]
    private static partial Regex IssueIdOrKey();
}

/// <summary>Jira's credential: basic auth with e-mail and API token (Cloud) or a bearer personal access token (Data Center), from one secret.</summary>
internal sealed class JiraCredentials(CachedSecrets secrets, IOptions<JiraApiOptions> options) : ITicketCredentials
{
    private readonly SecretCredentials _inner = new(
        secrets.Get(options.Value.TokenSecretName, JiraApiOptions.LocalTokenSetting, options.Value.Flavor == JiraFlavor.DataCenter ? "Jira personal access token" : "Jira API token"),
        token => options.Value.Flavor == JiraFlavor.DataCenter ? SecretCredentials.Bearer(token) : SecretCredentials.Basic(options.Value.Email ?? "", token));

    public string Name => _inner.Name;

    public Task<TicketCredential> GetAsync(CancellationToken cancellationToken) => _inner.GetAsync(cancellationToken);

    public Task<TicketCredential?> RenewAsync(TicketCredential rejected, CancellationToken cancellationToken) => _inner.RenewAsync(rejected, cancellationToken);
}

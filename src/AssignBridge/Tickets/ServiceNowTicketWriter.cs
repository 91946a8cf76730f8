using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using AssignBridge.Platform.Http;

namespace AssignBridge.Tickets;

/// <summary>Which user value the <c>servicenow</c> namespace of the mapping table holds (<c>ServiceNow:IdentityField</c>: <c>user_name</c> or <c>sys_id</c>).</summary>
internal sealed record ServiceNowIdentity(string Field);

/// <summary>
/// Reads and sets a ServiceNow record's <c>assigned_to</c> through the Table API (docs/ticket-apis.md "ServiceNow"). With
/// <c>ServiceNow:IdentityField</c> <c>user_name</c> the person ids are user names, looked up in <c>sys_user</c> both
/// ways; with <c>sys_id</c> they are written and read as they are. One attempt per request; a 401 renews the credential once.
/// </summary>
internal sealed partial class ServiceNowTicketWriter(
    HttpClient http, ServiceNowCredentials credentials, IOptions<ServiceNowApiOptions> options, ServiceNowIdentity identity, TimeProvider time, ILogger<ServiceNowTicketWriter> logger)
    : ITicketWriter
{
    public const string SourceName = "servicenow";

    /// <summary>The name of the configured HttpClient (base address, timeout), shared by the writer and the token requests.</summary>
    public const string HttpClientName = "servicenow-api";

    internal static readonly TicketSystem ServiceNow = new("ServiceNow", ParseDetail, TicketWriteException.RetryAfterOf);

    private readonly TicketApi _api = new(http, ServiceNow, time, logger);

    public string Source => SourceName;

    public string Namespace => SourceName;

    public bool Configured => options.Value.Configured;

    private bool ByUserName => identity.Field != "sys_id";

    public async Task<string?> GetAssigneeAsync(string ticketKey, CancellationToken cancellationToken)
    {
        var (table, sysId) = RecordOf(ticketKey);
        ThrowIfNotConfigured();
        var record = await GetRecordAsync($"api/now/table/{table}/{sysId}?sysparm_fields=assigned_to&sysparm_exclude_reference_link=true", cancellationToken);
        var assignedTo = record.AssignedTo;
        if (string.IsNullOrEmpty(assignedTo))
        {
            return null;
        }

        if (!ByUserName)
        {
            return assignedTo;
        }

        var user = await GetRecordAsync($"api/now/table/sys_user/{Uri.EscapeDataString(assignedTo)}?sysparm_fields=user_name", cancellationToken);
        return string.IsNullOrEmpty(user.UserName)
            ? throw new TicketWriteException(ServiceNow.Name, 200, $"the assignee's sys_user record '{assignedTo}' has no user_name the bridge may read")
            : user.UserName;
    }

    public async Task SetAssigneeAsync(string ticketKey, string? personId, CancellationToken cancellationToken)
    {
        var (table, sysId) = RecordOf(ticketKey);
        if (personId is "")
        {
            throw new ArgumentException("An empty person id is no ServiceNow user; pass null to unassign.", nameof(personId));
        }

        if (personId is not null && ByUserName && personId.Contains('^', StringComparison.Ordinal))
        {
            // '^' joins the terms of an encoded query; such a name cannot be looked up.
            throw new ArgumentException($"The user name '{personId}' holds '^', which an encoded query cannot carry.", nameof(personId));
        }

        ThrowIfNotConfigured();
        var user = personId is null ? "" : ByUserName ? await UserSysIdAsync(personId, cancellationToken) : personId;
        var json = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["assigned_to"] = user }, TicketsJsonContext.Default.DictionaryStringString);
        await _api.SendAsync(() => new HttpRequestMessage(HttpMethod.Patch, $"api/now/table/{table}/{sysId}?sysparm_fields=assigned_to&sysparm_exclude_reference_link=true")
        {
            Content = new ByteArrayContent(json) { Headers = { ContentType = new("application/json") } },
        }, credentials, cancellationToken);
    }

    /// <summary>
    /// The REST API's error body <c>{"error": {"message", "detail"}, "status": "failure"}</c> as <c>message: detail</c>, or
    /// the token endpoint's <c>{"error", "error_description"}</c>; null for another shape.
    /// </summary>
    internal static string? ParseDetail(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("error", out var error))
            {
                return null;
            }

            var (message, detail) = error.ValueKind == JsonValueKind.Object
                ? (StringOf(error, "message"), StringOf(error, "detail"))
                : (error.ValueKind == JsonValueKind.String ? error.GetString() : null, StringOf(document.RootElement, "error_description"));
            return message is null && detail is null ? null
                : ErrorBodies.Shorten(string.Join(": ", new[] { message, detail }.Where(p => !string.IsNullOrEmpty(p))));
        }
        catch (JsonException)
        {
            return null;
        }

        static string? StringOf(JsonElement element, string name) =>
            element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }

    private async Task<string> UserSysIdAsync(string userName, CancellationToken cancellationToken)
    {
        var query = Uri.EscapeDataString("user_name=" + userName);
        var body = await _api.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"api/now/table/sys_user?sysparm_query={query}&sysparm_fields=sys_id&sysparm_limit=1"), credentials, cancellationToken);
        var users = Parse(body, "a list of sys_user records", static root =>
            root.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Array
                ? result.EnumerateArray().Select(r => Field(r, "sys_id")).Where(id => !string.IsNullOrEmpty(id)).ToList()
                : null);
        return users.Count > 0
            ? users[0]!
            : throw new TicketWriteException(ServiceNow.Name, 404, $"no sys_user has user_name '{userName}' (the lookup found no record the bridge may read)");
    }

    private async Task<ServiceNowRecord> GetRecordAsync(string path, CancellationToken cancellationToken)
    {
        var body = await _api.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), credentials, cancellationToken);
        return Parse(body, "a Table API record", static root =>
            root.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Object
                ? new ServiceNowRecord(Field(result, "assigned_to"), Field(result, "user_name"))
                : null);
    }

    private T Parse<T>(byte[] body, string expected, Func<JsonElement, T?> read)
        where T : class
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && read(document.RootElement) is { } value
                ? value
                : throw _api.NotTheAnswer(body, expected);
        }
        catch (JsonException)
        {
            throw _api.NotTheAnswer(body, expected);
        }
    }

    // A field as a string; a reference comes as {"link", "value"} unless sysparm_exclude_reference_link took the link away.
    private static string? Field(JsonElement record, string name) =>
        !record.TryGetProperty(name, out var value) ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : value.ValueKind == JsonValueKind.Object && value.TryGetProperty("value", out var inner) && inner.ValueKind == JsonValueKind.String ? inner.GetString()
        : null;

    private static (string Table, string SysId) RecordOf(string ticketKey)
    {
        var rest = TicketUrls.Rest(ticketKey, SourceName, "servicenow:{table}:{sys_id}");
        return RecordKey().Match(rest) is { Success: true } match
            ? (match.Groups["table"].Value, match.Groups["sysId"].Value)
            : throw new ArgumentException($"'{ticketKey}' is not servicenow:{{table}}:{{sys_id}}.", nameof(ticketKey));
    }

    private void ThrowIfNotConfigured()
    {
        if (!Configured)
        {
            throw new InvalidOperationException("ServiceNow sync is not configured: set ServiceNow:Api:InstanceUrl and ServiceNow:Api:User (Basic) or ServiceNow:Api:ClientId (OAuth).");
        }
    }

    [GeneratedRegex("^(?<table>[A-Za-z0-9_]{1,80}):(?<sysId>[A-Za-z0-9]{1,64})$")]
    private static partial Regex RecordKey();

    private sealed record ServiceNowRecord(string? AssignedTo, string? UserName);
}

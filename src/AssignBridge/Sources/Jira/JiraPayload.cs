using System.Text.Json.Serialization;
using System.Text.Json;

namespace AssignBridge.Sources.Jira;

// The shapes of webhook-sources.md §1.3 (Cloud), §1.5 (Data Center) and §2 (Automation). Only what the bridge reads;
// everything else in a delivery is skipped.

/// <summary>An admin-webhook delivery (<c>webhookEvent</c> set), or Automation's "Issue data (Jira format)" body (<c>{"issue":…}</c>).</summary>
internal sealed record JiraWebhookPayload(
    [property: JsonPropertyName("timestamp")] long? Timestamp,
    [property: JsonPropertyName("webhookEvent")] JsonElement WebhookEvent,
    [property: JsonPropertyName("issue_event_type_name")] string? IssueEventTypeName,
    [property: JsonPropertyName("user")] JiraUser? User,
    [property: JsonPropertyName("issue")] JiraIssue? Issue,
    [property: JsonPropertyName("changelog")] JiraChangelog? Changelog,
    [property: JsonPropertyName("bulkOperationMetaData")] JsonElement BulkOperationMetaData,
    // Automation's "Issue data (Automation format)" is the bare issue: these are read when there is no "issue".
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("key")] string? Key,
    [property: JsonPropertyName("self")] string? Self,
    [property: JsonPropertyName("fields")] Dictionary<string, JsonElement>? Fields);

internal sealed record JiraIssue(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("key")] string? Key,
    [property: JsonPropertyName("self")] string? Self,
    [property: JsonPropertyName("fields")] Dictionary<string, JsonElement>? Fields,
    [property: JsonPropertyName("changelog")] JiraChangelog? Changelog);

/// <summary>Cloud users carry <c>accountId</c>; Data Center users <c>name</c> and <c>key</c>. <c>emailAddress</c> is often hidden on Cloud.</summary>
internal sealed record JiraUser(
    [property: JsonPropertyName("accountId")] string? AccountId,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("key")] string? Key,
    [property: JsonPropertyName("emailAddress")] string? EmailAddress,
    [property: JsonPropertyName("displayName")] string? DisplayName);

/// <summary>A webhook's changelog (<c>id</c>, <c>items</c>), or an issue's change history (<c>histories</c>) as Automation's issue data may carry.</summary>
internal sealed record JiraChangelog(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("items")] IReadOnlyList<JiraChangeItem>? Items,
    [property: JsonPropertyName("histories")] IReadOnlyList<JiraHistory>? Histories);

internal sealed record JiraHistory(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("created")] string? Created,
    [property: JsonPropertyName("items")] IReadOnlyList<JiraChangeItem>? Items);

internal sealed record JiraChangeItem(
    [property: JsonPropertyName("field")] string? Field,
    [property: JsonPropertyName("fieldId")] string? FieldId,
    [property: JsonPropertyName("from")] string? From,
    [property: JsonPropertyName("fromString")] string? FromString,
    [property: JsonPropertyName("to")] string? To,
    [property: JsonPropertyName("toString")] string? ToText,
    [property: JsonPropertyName("tmpFromAccountId")] string? TmpFromAccountId,
    [property: JsonPropertyName("tmpToAccountId")] string? TmpToAccountId)
{
    public bool IsAssignee =>
        string.Equals(Field, "assignee", StringComparison.OrdinalIgnoreCase) || string.Equals(FieldId, "assignee", StringComparison.OrdinalIgnoreCase);
}

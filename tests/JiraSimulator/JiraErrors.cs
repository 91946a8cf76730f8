using System.Text.Json.Nodes;

namespace JiraSimulator;

/// <summary>Jira's error collection, <c>{"errorMessages": [...], "errors": {field: message}}</c> (docs/ticket-apis.md).</summary>
internal static class JiraErrors
{
    internal static IResult Collection(int statusCode, IEnumerable<string> messages, IReadOnlyDictionary<string, string>? errors = null)
    {
        var body = new JsonObject
        {
            ["errorMessages"] = new JsonArray([.. messages.Select(m => JsonValue.Create(m))]),
            ["errors"] = new JsonObject([.. (errors ?? new Dictionary<string, string>()).Select(e => KeyValuePair.Create(e.Key, (JsonNode?)JsonValue.Create(e.Value)))]),
        };
        return Results.Content(body.ToJsonString(), "application/json;charset=UTF-8", System.Text.Encoding.UTF8, statusCode);
    }

    internal static IResult Message(int statusCode, string message) => Collection(statusCode, [message]);

    internal static IResult Field(string field, string message) =>
        Collection(StatusCodes.Status400BadRequest, [], new Dictionary<string, string> { [field] = message });

    internal static IResult IssueNotFound() =>
        Message(StatusCodes.Status404NotFound, "Issue does not exist or you do not have permission to see it.");

    // Jira's own words are not in the assign operation's docs; these are the plainest (docs/ticket-apis.md).
    internal static IResult NotAuthenticated() =>
        Message(StatusCodes.Status401Unauthorized, "You are not authenticated. Authentication required to perform this operation.");

    internal static IResult NoAssignPermission() =>
        Message(StatusCodes.Status403Forbidden, "You do not have permission to assign issues.");
}

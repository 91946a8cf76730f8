using System.Text;
using System.Text.Json.Nodes;

namespace ServiceNowSimulator;

/// <summary>The REST API's error body, <c>{"error": {"message", "detail"}, "status": "failure"}</c> (docs/ticket-apis.md).</summary>
internal static class ServiceNowErrors
{
    internal static IResult Failure(int statusCode, string message, string? detail) =>
        Json(new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = message, ["detail"] = detail },
            ["status"] = "failure",
        }, statusCode);

    internal static IResult NotAuthenticated() =>
        Failure(StatusCodes.Status401Unauthorized, "User Not Authenticated", "Required to provide Auth information");

    internal static IResult WriteDenied() =>
        Failure(StatusCodes.Status403Forbidden, "Operation Failed", "ACL Exception Update Failed due to security constraints");

    internal static IResult NoRecord() =>
        Failure(StatusCodes.Status404NotFound, "No Record found", "Record doesn't exist or ACL restricts the record retrieval");

    internal static IResult InvalidTable(string table) => Failure(StatusCodes.Status400BadRequest, $"Invalid table {table}", null);

    internal static IResult Json(JsonNode body, int statusCode = StatusCodes.Status200OK) =>
        Results.Content(body.ToJsonString(), "application/json;charset=UTF-8", Encoding.UTF8, statusCode);
}

using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;

namespace KibanaSimulator;

/// <summary>Kibana's two error body shapes (facts file section 4).</summary>
internal static class KibanaErrors
{
    // HapiResponseAdapter.toInternalError (facts file section 4, table row 500).
    internal const string InternalErrorMessage = "An internal server error occurred. Check Kibana server logs for details.";

    internal static IResult Boom(int statusCode, string message) =>
        TypedResults.Json(
            new BoomError(statusCode, ReasonPhrases.GetReasonPhrase(statusCode), message),
            SimulatorJsonContext.Wire.BoomError,
            statusCode: statusCode);

    internal static IResult Siem(int statusCode, string message) =>
        Siem(statusCode, JsonValue.Create(message));

    internal static IResult Siem(int statusCode, IEnumerable<string> messages) =>
        Siem(statusCode, new JsonArray([.. messages.Select(m => JsonValue.Create(m))]));

    internal static IResult NotFound() => Boom(StatusCodes.Status404NotFound, "Not Found");

    /// <summary>hapi's answer when the payload is not JSON; the route validator never runs.</summary>
    internal static IResult InvalidJson() => Boom(StatusCodes.Status400BadRequest, "Invalid request payload JSON format");

    private static JsonHttpResult<SiemError> Siem(int statusCode, JsonNode message) =>
        TypedResults.Json(new SiemError(message, statusCode), SimulatorJsonContext.Wire.SiemError, statusCode: statusCode);
}

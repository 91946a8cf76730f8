using System.Text.Json.Serialization;

namespace AssignBridge.Tickets;

[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(ServiceNowToken))]
internal sealed partial class TicketsJsonContext : JsonSerializerContext;

/// <summary>The answer of <c>POST /oauth_token.do</c> (docs/ticket-apis.md "OAuth: client credentials").</summary>
internal sealed record ServiceNowToken(
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("token_type")] string? TokenType,
    [property: JsonPropertyName("expires_in")] long? ExpiresIn)
{
    public override string ToString() => $"ServiceNowToken {{ TokenType = {TokenType}, ExpiresIn = {ExpiresIn} }}";
}

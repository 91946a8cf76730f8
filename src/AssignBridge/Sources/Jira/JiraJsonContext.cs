using System.Text.Json.Serialization;
using AssignBridge.Ingress;

namespace AssignBridge.Sources.Jira;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(JiraWebhookPayload))]
[JsonSerializable(typeof(JiraUser))]
[JsonSerializable(typeof(WebhookAnswer))]
internal sealed partial class JiraJsonContext : JsonSerializerContext;

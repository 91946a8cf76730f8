using System.Text.Json.Serialization;
using AssignBridge.Sources.Jira;
using AssignBridge.Sources.ServiceNow;

namespace AssignBridge.Sources;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(JiraWebhookPayload))]
[JsonSerializable(typeof(JiraUser))]
[JsonSerializable(typeof(ServiceNowPayload))]
[JsonSerializable(typeof(ServiceNowUser))]
[JsonSerializable(typeof(WebhookAnswer))]
internal sealed partial class SourcesJsonContext : JsonSerializerContext;

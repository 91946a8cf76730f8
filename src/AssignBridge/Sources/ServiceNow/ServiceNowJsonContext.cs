using System.Text.Json.Serialization;
using AssignBridge.Ingress;

namespace AssignBridge.Sources.ServiceNow;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ServiceNowPayload))]
[JsonSerializable(typeof(ServiceNowUser))]
[JsonSerializable(typeof(WebhookAnswer))]
internal sealed partial class ServiceNowJsonContext : JsonSerializerContext;

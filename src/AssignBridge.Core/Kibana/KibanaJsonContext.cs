using System.Text.Json.Serialization;

namespace AssignBridge.Kibana;

/// <summary>What goes to Kibana and comes back from it.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SetAlertAssigneesBody))]
[JsonSerializable(typeof(UpdateByQueryResponse))]
internal sealed partial class KibanaJsonContext : JsonSerializerContext;

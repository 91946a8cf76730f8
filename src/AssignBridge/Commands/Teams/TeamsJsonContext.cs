using System.Text.Json.Serialization;

namespace AssignBridge.Commands.Teams;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TeamsActivity))]
[JsonSerializable(typeof(TeamsReply))]
internal sealed partial class TeamsJsonContext : JsonSerializerContext;

using System.Text.Json.Serialization;

namespace AssignBridge.Commands.Slack;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SlackReply))]
[JsonSerializable(typeof(SlackFollowUpState))]
internal sealed partial class SlackJsonContext : JsonSerializerContext;

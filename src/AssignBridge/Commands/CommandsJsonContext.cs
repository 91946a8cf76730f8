using System.Text.Json.Serialization;
using AssignBridge.Commands.Slack;
using AssignBridge.Commands.Teams;

namespace AssignBridge.Commands;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SlackReply))]
[JsonSerializable(typeof(SlackFollowUpState))]
[JsonSerializable(typeof(TeamsActivity))]
[JsonSerializable(typeof(TeamsReply))]
internal sealed partial class CommandsJsonContext : JsonSerializerContext;

using System.Security.Cryptography;
using System.Text.Json.Serialization;
using System.Text;
using AssignBridge.Ingress;
using AssignBridge.Platform.Security;
using AssignBridge.Platform.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace AssignBridge.Commands.Slack;

/// <summary>A slash-command answer (or a message posted to response_url).</summary>
internal sealed record SlackReply(
    [property: JsonPropertyName("response_type")] string ResponseType,
    [property: JsonPropertyName("text")] string Text)
{
    public const string Ephemeral = "ephemeral";
    public const string InChannel = "in_channel";
}

internal static class SlackEndpoints
{
    public const string Route = "/api/commands/slack";
    public const string Source = "slack";

    private static readonly CommandSyntax Syntax = new("/assign-alert", "/unassign-alert");

    // Verify the signature over the raw form body, parse the command, check who may use it, then journal and
    // apply it within AckSeconds (Slack gives up after 3 s). When Kibana is slower the
    // answer is an ephemeral "working on it"; the delivery goes on the queue with a note, and SlackFollowUp posts the outcome to response_url from there.
    internal static async Task<Results<JsonHttpResult<SlackReply>, Ok, ProblemHttpResult>> PostAsync(
        HttpContext context,
        SlackSignatureVerifier verifier,
        CommandRunner runner,
        SlackFollowUp followUp,
        IOptions<SlackOptions> options,
        ILogger<SlackFollowUp> logger,
        CancellationToken cancellationToken)
    {
        var slack = options.Value;
        var request = context.Request;
        // Slack's SSL check carries only the deprecated token and no signature; it asks for nothing, so it gets its 200.
        var sslCheck = false;
        var route = new SignedRoute(slack.MaxBodyBytes, "Slack:MaxBodyBytes", reason => Log.BadRequest(logger, reason), (check, _) =>
        {
            if (!sslCheck)
            {
                Log.Unauthorized(logger, check);
            }
        });
        var (signed, _, refusal) = await SignedBody.ReadAsync(request, route, bytes =>
        {
            var check = verifier.Verify(request.Headers[SlackSignatureVerifier.TimestampHeader], request.Headers[SlackSignatureVerifier.SignatureHeader], bytes);
            sslCheck = check != SignatureCheck.Valid && IsSslCheck(Form(bytes));
            return (check, "signature");
        }, cancellationToken);
        if (sslCheck)
        {
            Log.SslCheck(logger);
            return TypedResults.Ok();
        }

        if (refusal is not null)
        {
            return refusal;
        }

        var body = signed!; // read and verified: a body without a refusal

        if (!request.HasFormContentType)
        {
            Log.BadRequest(logger, "not form-encoded");
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type", detail: "Slack commands are application/x-www-form-urlencoded.");
        }

        var form = Form(body);
        if (IsSslCheck(form))
        {
            Log.SslCheck(logger);
            return TypedResults.Ok();
        }

        var team = Field(form, "team_id");
        var channel = Field(form, "channel_id");
        var user = Field(form, "user_id");
        var command = Field(form, "command");
        var text = Field(form, "text");
        if (team.Length == 0 || user.Length == 0)
        {
            Log.BadRequest(logger, "team_id or user_id missing");
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not a slash command", detail: "team_id and user_id are required.");
        }

        if ((InputRules.ExternalId("team_id", team) ?? InputRules.ExternalId("user_id", user)) is { } badId)
        {
            Log.BadRequest(logger, "team_id or user_id not an id");
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not a slash command", detail: $"{badId}.");
        }

        if (CommandAllowlist.Denied(slack, "Slack", "This Slack workspace", team, channel, user) is { } denial)
        {
            Log.BadRequest(logger, "not on an allowlist");
            return Reply(denial);
        }

        var caller = new ChatPerson(SlackText.Person(team, user, slack.ScopesUsers), "you");
        var verb = command.Contains("unassign", StringComparison.OrdinalIgnoreCase) ? CommandVerb.Unassign : CommandVerb.Assign;
        var (parsed, reply) = await runner.InterpretAsync(text, () => SlackText.Tokenize(text, team, slack.ScopesUsers), verb, caller, Source, Syntax, "\n", cancellationToken);
        if (parsed is null)
        {
            return Reply(reply!);
        }

        var deliveryId = DeliveryId(team, channel, user, Field(form, "trigger_id"), body);
        var commandContext = new CommandContext(Source, deliveryId, caller, $"slack:{team}/{user}", CommandRunner.Summary($"{command} {text}"));
        var note = followUp.Note(Field(form, "response_url"), parsed, commandContext);
        var result = await runner.RunAsync(parsed, commandContext, TimeSpan.FromSeconds(slack.AckSeconds), slack.DryRun ? null : note, slack.DryRun, cancellationToken);
        if (result is CommandPending pending)
        {
            if (note is not null)
            {
                Log.FollowUpStarted(logger, deliveryId);
            }

            return Reply(note is not null ? pending.Text + " I will post the result here." : pending.Text + " Check the alerts in Kibana in a few minutes.");
        }

        return TypedResults.Json(new SlackReply(slack.AnnounceInChannel ? SlackReply.InChannel : SlackReply.Ephemeral, result.Text), SlackJsonContext.Default.SlackReply);
    }

    // Slack sends no delivery id. trigger_id is unique per invocation, so a hash of it with the workspace, channel
    // and user names one command; without a trigger_id the signed request itself (body and timestamp) stands in.
    internal static string DeliveryId(string team, string channel, string user, string triggerId, byte[] body)
    {
        var material = triggerId.Length > 0 ? Encoding.UTF8.GetBytes($"{team}\n{channel}\n{user}\n{triggerId}") : body;
        return "slack-" + Convert.ToHexStringLower(SHA256.HashData(material))[..32];
    }

    private static JsonHttpResult<SlackReply> Reply(string text) =>
        TypedResults.Json(new SlackReply(SlackReply.Ephemeral, text), SlackJsonContext.Default.SlackReply);

    private static Dictionary<string, StringValues> Form(byte[] body) => QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body));

    private static bool IsSslCheck(Dictionary<string, StringValues> form) => Field(form, "ssl_check") == "1";

    private static string Field(Dictionary<string, StringValues> form, string name) =>
        form.TryGetValue(name, out var value) ? value.ToString() : string.Empty;

}

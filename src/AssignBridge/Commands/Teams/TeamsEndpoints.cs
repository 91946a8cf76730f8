using System.Text.Json;
using AssignBridge.Ingress;
using AssignBridge.People;
using AssignBridge.Platform.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace AssignBridge.Commands.Teams;

internal static class TeamsEndpoints
{
    public const string Route = "/api/commands/teams";
    public const string Source = "teams";

    // Verify the HMAC over the raw body, parse the activity and its command, check who may use it, then journal and
    // apply it within DeadlineSeconds. Teams takes one synchronous answer only, so a command
    // Kibana did not finish in time is answered "accepted, will apply" with its journal id; the delivery queue applies it.
    internal static async Task<Results<JsonHttpResult<TeamsReply>, ProblemHttpResult>> PostAsync(
        HttpContext context,
        TeamsSignatureVerifier verifier,
        CommandRunner runner,
        IOptions<TeamsOptions> options,
        ILogger<TeamsSignatureVerifier> logger,
        CancellationToken cancellationToken)
    {
        var teams = options.Value;
        var request = context.Request;
        var route = new SignedRoute(teams.MaxBodyBytes, "Teams:MaxBodyBytes", reason => Log.BadRequest(logger, reason), (check, _) => Log.Unauthorized(logger, check));
        var (signed, _, refusal) = await SignedBody.ReadAsync(request, route, bytes => (verifier.Verify(request.Headers.Authorization, bytes), "HMAC"), cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var body = signed!; // read and verified: a body without a refusal

        TeamsActivity? activity;
        try
        {
            activity = JsonText.FirstBrokenString(body) is null ? JsonSerializer.Deserialize(body, TeamsJsonContext.Default.TeamsActivity) : null;
        }
        catch (JsonException)
        {
            activity = null;
        }

        if (activity is null || string.IsNullOrWhiteSpace(activity.Id) || activity.From is null || TeamsText.Identity(activity.From) is not { } userId)
        {
            Log.BadRequest(logger, "not a message activity with id and sender");
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not an outgoing-webhook activity", detail: "Expected a message activity with id and from.");
        }

        if ((InputRules.ExternalId("id", activity.Id) ?? InputRules.ExternalId("from.aadObjectId", userId)) is { } badId)
        {
            Log.BadRequest(logger, "the sender's id is not an id");
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not an outgoing-webhook activity", detail: $"{badId}.");
        }

        if (!string.Equals(activity.Type, "message", StringComparison.OrdinalIgnoreCase))
        {
            return Reply(string.Empty);
        }

        var syntax = new CommandSyntax($"@{teams.WebhookName} assign", $"@{teams.WebhookName} unassign");
        var team = activity.ChannelData?.Team?.Id ?? activity.ChannelData?.TeamsTeamId ?? string.Empty;
        var channel = activity.ChannelData?.Channel?.Id ?? activity.ChannelData?.TeamsChannelId ?? string.Empty;
        if (CommandAllowlist.Denied(teams, "Teams", "This team", team, channel, userId) is { } denial)
        {
            Log.BadRequest(logger, "not on an allowlist");
            return Reply(denial);
        }

        var text = activity.Text ?? string.Empty;
        var caller = new ChatPerson(new PersonRef(TeamsText.Namespace, userId), "you");
        var (parsed, reply) = await runner.InterpretAsync(text, () => TeamsText.Tokenize(text, activity.Entities), CommandVerb.Assign, caller, Source, syntax, "\n\n", cancellationToken);
        if (parsed is null)
        {
            return Reply(reply!);
        }

        // Teams sends the same activity id again for the same message, so the journal recognises a resend.
        var deliveryId = activity.Id.Trim();
        var commandContext = new CommandContext(Source, deliveryId, caller, $"teams:{userId}", CommandRunner.Summary(text));
        var result = await runner.RunAsync(parsed, commandContext, TimeSpan.FromSeconds(teams.DeadlineSeconds), followUp: null, teams.DryRun, cancellationToken);
        if (result is CommandPending)
        {
            Log.Pending(logger, deliveryId);
            return Reply($"Accepted, will apply: Kibana did not finish in time. The command is recorded (journal id `{deliveryId}`) and the bridge keeps trying until it is applied; Teams takes no later reply, so check the alerts in Kibana in a few minutes.");
        }

        return Reply(result.Text);
    }

    private static JsonHttpResult<TeamsReply> Reply(string text) => TypedResults.Json(TeamsReply.Message(text), TeamsJsonContext.Default.TeamsReply);

}

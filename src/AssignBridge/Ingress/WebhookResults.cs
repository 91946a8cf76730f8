using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json.Serialization.Metadata;
using System.Text.Json;
using AssignBridge.Assignments;
using AssignBridge.Delivery;
using AssignBridge.Platform.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AssignBridge.Ingress;

/// <summary>The answers shared by the ticketing webhooks.</summary>
internal static class WebhookResults
{
    public static Ok<WebhookAnswer> Ignored(string reason, string? deliveryId = null) =>
        TypedResults.Ok(new WebhookAnswer(WebhookAnswer.Ignored, deliveryId, $"ignored: {reason}"));

    public static ProblemHttpResult Unauthorized() =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: "The request is not signed or carries no valid secret for this route.");

    public static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail);

    public static ProblemHttpResult TooLarge(int maxBytes, string setting) =>
        Problem(StatusCodes.Status413PayloadTooLarge, "Body too large", $"The body is larger than {maxBytes} bytes ({setting}).");

    /// <summary>
    /// The checks every ticketing sender's body gets once its signature is valid: <c>application/json</c>, well-formed,
    /// not <c>null</c>. False with the problem to answer (its reason logged through <paramref name="badRequest"/>).
    /// </summary>
    public static bool TryParseJson<T>(HttpRequest request, byte[] body, JsonTypeInfo<T> type, string sender, Action<string> badRequest,
        [NotNullWhen(true)] out T? payload, [NotNullWhen(false)] out ProblemHttpResult? problem)
        where T : class
    {
        payload = null;
        problem = null;
        if (!request.HasJsonContentType())
        {
            badRequest("not application/json");
            problem = Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "Send the body as application/json.");
            return false;
        }

        if (JsonText.FirstBrokenString(body) is { } broken)
        {
            badRequest("a string that is not text");
            problem = Problem(StatusCodes.Status400BadRequest, $"Not a {sender} delivery", $"The body is not a {sender} delivery: {broken}.");
            return false;
        }

        try
        {
            payload = JsonSerializer.Deserialize(body, type);
        }
        catch (JsonException exception)
        {
            badRequest($"malformed JSON at {exception.Path} (line {exception.LineNumber})");
            problem = Problem(StatusCodes.Status400BadRequest, "Malformed JSON", $"The body is not a {sender} delivery: JSON error at {exception.Path} (line {exception.LineNumber}).");
            return false;
        }

        if (payload is null)
        {
            badRequest("body is null");
            problem = Problem(StatusCodes.Status400BadRequest, $"Not a {sender} delivery", "The body is JSON null.");
        }

        return problem is null;
    }

    /// <summary>2xx whenever the delivery is in the journal; 503 (retry) only when it could not be recorded.</summary>
    public static Results<Ok<WebhookAnswer>, ProblemHttpResult> FromIntake(HttpContext context, IntakeResult result) => result switch
    {
        IntakeNotRecorded => NotRecorded(context),
        IntakeRefused refused => Problem(StatusCodes.Status400BadRequest, "The delivery cannot be recorded", refused.Reason),
        IntakeRedelivered { SameBody: false } redelivered => TypedResults.Ok(new WebhookAnswer("duplicate", redelivered.DeliveryId,
            "A different delivery with this id was already journaled; this one was not applied.", JournalEntry.StatusName(redelivered.Entry.Status), redelivered.Entry.Attempts)),
        IntakeRedelivered redelivered => TypedResults.Ok(new WebhookAnswer("duplicate", redelivered.DeliveryId,
            "Already received; nothing was done again.", JournalEntry.StatusName(redelivered.Entry.Status), redelivered.Entry.Attempts, redelivered.Entry.NextAttemptAt)),
        IntakeAttempted attempted => TypedResults.Ok(Attempted(attempted)),
        IntakePlanned planned => TypedResults.Ok(Planned(planned)),
        _ => throw new InvalidOperationException("Unknown intake result."),
    };

    private static WebhookAnswer Attempted(IntakeAttempted attempted)
    {
        var attempt = attempted.Attempt;
        var outcome = attempt.Outcome;
        var status = attempt.Status switch
        {
            DeliveryStatus.Applied => outcome?.Status == AssignmentStatus.NothingToApply ? "nothing-to-apply" : "applied",
            DeliveryStatus.Retrying or DeliveryStatus.Pending => "accepted",
            DeliveryStatus.Rejected => "rejected",
            _ => "dead",
        };
        var reason = attempt.Status switch
        {
            DeliveryStatus.Retrying or DeliveryStatus.Pending => "Journaled; the bridge will apply it when Kibana answers.",
            DeliveryStatus.Rejected when outcome?.Status == AssignmentStatus.Unmapped =>
                $"People are not mapped to Kibana users: {string.Join("; ", outcome.Unresolved.Select(u => $"{u.Person} ({u.Role}): {u.Reason}"))}.",
            DeliveryStatus.Rejected or DeliveryStatus.Dead => attempt.Error ?? outcome?.Error?.Message,
            _ => null,
        };
        return new WebhookAnswer(status, attempted.DeliveryId, reason, JournalEntry.StatusName(attempt.Status), attempted.Entry.Attempts,
            attempt.NextAttemptAt is { } next && attempt.Status == DeliveryStatus.Retrying ? next : null,
            outcome?.Spaces, outcome?.People, outcome?.Unresolved, outcome?.Notes);
    }

    private static WebhookAnswer Planned(IntakePlanned planned)
    {
        var outcome = planned.Outcome;
        var reason = outcome.Status switch
        {
            AssignmentStatus.Planned => "Dry run: verified, parsed and planned; nothing was journaled and Kibana was not called.",
            AssignmentStatus.Unmapped => $"Dry run: nothing would be applied, people are not mapped to Kibana users: {string.Join("; ", outcome.Unresolved.Select(u => $"{u.Person} ({u.Role}): {u.Reason}"))}.",
            _ => "Dry run: nothing would be applied.",
        };
        return new WebhookAnswer(WebhookAnswer.DryRun, planned.DeliveryId, reason, Spaces: outcome.Spaces, People: outcome.People, Unresolved: outcome.Unresolved, Notes: outcome.Notes, Plan: outcome.Plan);
    }

    private static ProblemHttpResult NotRecorded(HttpContext context)
    {
        context.Response.Headers.RetryAfter = 30.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Could not record the delivery",
            detail: "The journal could not be written, so nothing was done. Send the same delivery again later.");
    }
}

using System.Text.Json.Serialization;
using AssignBridge.Assignments;
using AssignBridge.Delivery;
using AssignBridge.Kibana;
using AssignBridge.Platform.Http;
using AssignBridge.Platform.Security;
using AssignBridge.Platform.Validation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace AssignBridge.AssignmentsApi;

/// <summary>The answer to an assignment that was applied (or needed nothing).</summary>
internal sealed record AssignmentResponse(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("deliveryId")] string DeliveryId,
    [property: JsonPropertyName("spaces")] IReadOnlyList<SpaceOutcome> Spaces,
    [property: JsonPropertyName("people")] IReadOnlyList<ResolvedPerson> People,
    [property: JsonPropertyName("unresolved")] IReadOnlyList<UnresolvedPerson> Unresolved,
    [property: JsonPropertyName("notes")] IReadOnlyList<string> Notes);

/// <summary>The answer when the delivery is journaled but not (yet) applied: the journal will try again.</summary>
internal sealed record AcceptedResponse(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("deliveryId")] string DeliveryId,
    [property: JsonPropertyName("journalStatus")] string JournalStatus,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("nextAttemptAt")] DateTimeOffset? NextAttemptAt,
    [property: JsonPropertyName("lastError")] string? LastError,
    [property: JsonPropertyName("spaces")] IReadOnlyList<SpaceOutcome> Spaces);

internal static class AssignmentsEndpoints
{
    public const string Route = "/api/assignments";
    public const string DeliveryIdHeader = "Idempotency-Key";
    public const int MaxDeliveryIdLength = 200;
    public const string Source = "api";

    /// <summary>The authentication scheme (and policy) of the route: a bearer token of <c>Assignments:Tokens</c>.</summary>
    public const string TokenScheme = "AssignmentsToken";

    /// <summary>The setting holding the tokens of <see cref="TokenScheme"/>.</summary>
    public const string TokensSetting = "Assignments:Tokens";

    public static AuthenticationBuilder AddAssignmentsTokens(this AuthenticationBuilder authentication) =>
        authentication.AddBearerTokens(TokenScheme, TokensSetting, "api", (logger, check) => Log.Unauthorized(logger, check));

    public static IEndpointRouteBuilder MapAssignments(this IEndpointRouteBuilder app)
    {
        app.MapPost(Route, PostAsync).WithName("PostAssignment").RequireAuthorization(TokenScheme);
        return app;
    }

    // The caller holds a token (TokenScheme, checked before this runs); read the bounded body, parse it, journal it, apply it, and answer with what happened:
    // 200 when applied, 202 when journaled and left for a later attempt (Kibana down or slow), 4xx naming what
    // is wrong with the request or the people, 502 when Kibana refuses for good, 503 only when the delivery
    // could not be journaled (so the sender's own retry helps).
    internal static async Task<Results<Ok<AssignmentResponse>, Accepted<AcceptedResponse>, ValidationProblem, ProblemHttpResult>> PostAsync(
        HttpContext context,
        DeliveryIntake intake,
        IOptions<AssignmentsOptions> options,
        IOptions<KibanaOptions> kibanaOptions,
        ILogger<AssignmentService> logger,
        CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (!request.HasJsonContentType())
        {
            return Refuse(logger, StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "Send the body as application/json.");
        }

        var body = await RequestBody.ReadAsync(request, options.Value.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Refuse(logger, StatusCodes.Status413PayloadTooLarge, "Body too large", $"The body is larger than {options.Value.MaxBodyBytes} bytes (Assignments:MaxBodyBytes). Split the alert list.");
        }

        var parser = new AssignmentRequestParser(options.Value, kibanaOptions.Value.DefaultSpace);
        if (parser.Parse(body) is not { } parsed)
        {
            Log.BadRequest(logger, $"{parser.Problems.Count} problems in fields {string.Join(", ", parser.Problems.Keys)}");
            return TypedResults.ValidationProblem(parser.Problems, title: "The assignment request is not valid.");
        }

        if (DeliveryId(request, out var keyProblem) is not { } deliveryId)
        {
            return Refuse(logger, StatusCodes.Status400BadRequest, "Idempotency-Key not usable",
                $"{keyProblem}: it must be sent once, 1 to {MaxDeliveryIdLength} characters without control characters (tabs, line breaks) or surrounding spaces. Send a key like that, or none to let the bridge choose one.");
        }

        var intent = new AssignmentIntent(Source, deliveryId, parsed.Reference, parsed.Alerts, parsed.Add, parsed.Remove, parsed.RequestedBy);
        return await intake.AcceptAsync(intent, cancellationToken: cancellationToken) switch
        {
            IntakeNotRecorded => NotRecorded(context),
            IntakeRefused refused => Refuse(logger, StatusCodes.Status400BadRequest, "The delivery cannot be recorded", refused.Reason),
            IntakeRedelivered { SameBody: false } => TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency-Key reused",
                detail: $"A different request was already sent with {DeliveryIdHeader} '{deliveryId}'. Use a new key for a new request."),
            IntakeRedelivered redelivered => FromJournal(redelivered.Entry),
            IntakeAttempted { Attempt.Status: DeliveryStatus.Retrying } attempted => Accepted(deliveryId, attempted.Attempt, attempted.Entry.Attempts),
            IntakeAttempted { Attempt: { Outcome: null } attempt } => Ended(deliveryId, attempt),
            IntakeAttempted attempted => Answer(context, deliveryId, attempted.Attempt.Outcome!),
            _ => throw new InvalidOperationException("Unknown intake result."),
        };
    }

    private static ProblemHttpResult NotRecorded(HttpContext context)
    {
        context.Response.Headers.RetryAfter = "30";
        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Could not record the delivery",
            detail: "The journal could not be written, so nothing was done. Send the same request again later.");
    }

    private static Accepted<AcceptedResponse> Accepted(string deliveryId, AttemptResult attempt, int attempts) =>
        TypedResults.Accepted((string?)null, new AcceptedResponse("accepted", deliveryId, JournalEntry.StatusName(attempt.Status), attempts, attempt.NextAttemptAt, attempt.Error, attempt.Outcome?.Spaces ?? []));

    /// <summary>An attempt that ended for good before Kibana could answer it: the request itself broke a rule (422), or the attempts were spent (502).</summary>
    private static ProblemHttpResult Ended(string deliveryId, AttemptResult attempt) => attempt.Status == DeliveryStatus.Rejected
        ? TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "The delivery cannot be applied", detail: attempt.Error,
            extensions: new Dictionary<string, object?> { ["deliveryId"] = deliveryId })
        : TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "The delivery was given up", detail: attempt.Error,
            extensions: new Dictionary<string, object?> { ["deliveryId"] = deliveryId });

    /// <summary>A redelivery is answered from the journal, without a second effect.</summary>
    private static Results<Ok<AssignmentResponse>, Accepted<AcceptedResponse>, ValidationProblem, ProblemHttpResult> FromJournal(JournalEntry entry) => entry.Status switch
    {
        DeliveryStatus.Applied => TypedResults.Ok(new AssignmentResponse("applied", entry.DeliveryId, [], [], [], ["This delivery was already applied; nothing was sent again."])),
        DeliveryStatus.Pending or DeliveryStatus.Retrying => TypedResults.Accepted((string?)null, new AcceptedResponse("accepted", entry.DeliveryId, JournalEntry.StatusName(entry.Status), entry.Attempts, entry.NextAttemptAt, entry.LastError, [])),
        DeliveryStatus.Rejected => TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "This delivery was already rejected", detail: entry.LastError),
        _ => TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: $"This delivery was given up after {entry.Attempts} attempts", detail: entry.LastError),
    };

    private static Results<Ok<AssignmentResponse>, Accepted<AcceptedResponse>, ValidationProblem, ProblemHttpResult> Answer(HttpContext context, string deliveryId, AssignmentOutcome outcome)
    {
        if (outcome.Status is AssignmentStatus.Applied or AssignmentStatus.NothingToApply)
        {
            var status = outcome.Status == AssignmentStatus.Applied ? "applied" : "nothing-to-apply";
            return TypedResults.Ok(new AssignmentResponse(status, deliveryId, outcome.Spaces, outcome.People, outcome.Unresolved, outcome.Notes));
        }

        var extensions = new Dictionary<string, object?>
        {
            ["deliveryId"] = deliveryId,
            ["spaces"] = outcome.Spaces,
            ["people"] = outcome.People,
            ["unresolved"] = outcome.Unresolved,
        };
        if (outcome.Status == AssignmentStatus.Unmapped)
        {
            var names = string.Join("; ", outcome.Unresolved.Select(u => $"{u.Person} ({u.Role}): {u.Reason}"));
            return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Some people are not mapped to Kibana users",
                detail: $"Nothing was applied. Add a mapping for: {names}.", extensions: extensions);
        }

        var error = outcome.Error!;
        extensions["kibanaStatus"] = error.Status;
        extensions["kibanaMessage"] = error.Message;
        var (statusCode, title, detail) = error.Status switch
        {
            400 => (StatusCodes.Status422UnprocessableEntity, "Kibana rejected the request", $"Kibana answered 400: {error.Message}"),
            401 => (StatusCodes.Status502BadGateway, "Kibana refused the API key", "Kibana answered 401 even after the API key was read again. Check the Kibana API key secret."),
            403 => (StatusCodes.Status502BadGateway, "The Kibana API key may not assign alerts", $"Kibana answered 403: {error.Message}. The key needs the Security 'Alerts: All' privilege and write access to the alerts index of the space."),
            404 => (StatusCodes.Status502BadGateway, "Kibana has no alert-assignees route", "Kibana answered 404. Check Kibana:Url and that Kibana is 8.12 or later."),
            _ when error.Retryable => (StatusCodes.Status503ServiceUnavailable, "Kibana unavailable", error.Status == 0 ? error.Message : $"Kibana answered {error.Status}: {error.Message}. Try again later; sending the same request again is safe."),
            _ => (StatusCodes.Status502BadGateway, "Kibana failed", $"Kibana answered {error.Status}: {error.Message}"),
        };
        if (statusCode == StatusCodes.Status503ServiceUnavailable)
        {
            var seconds = Math.Clamp((int)Math.Ceiling((error.RetryAfter ?? TimeSpan.FromSeconds(30)).TotalSeconds), 1, 3_600);
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return TypedResults.Problem(statusCode: statusCode, title: title, detail: detail, extensions: extensions);
    }

    /// <summary>The caller's key, a fresh one when none was sent, or null when the key cannot be kept as it is (never replaced: that would apply a retry twice).</summary>
    private static string? DeliveryId(HttpRequest request, out string? problem)
    {
        var values = request.Headers[DeliveryIdHeader];
        problem = values.Count switch
        {
            0 => null,
            > 1 => $"{DeliveryIdHeader} was sent {values.Count} times",
            _ => InputRules.Identifier(DeliveryIdHeader, values[0], MaxDeliveryIdLength),
        };
        return problem is not null ? null : values.Count == 0 ? Guid.NewGuid().ToString("n") : values[0];
    }

    private static ProblemHttpResult Refuse(ILogger logger, int status, string title, string detail)
    {
        Log.BadRequest(logger, title);
        return TypedResults.Problem(statusCode: status, title: title, detail: detail);
    }
}

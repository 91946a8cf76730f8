using AssignBridge.Delivery;
using AssignBridge.Ingress;
using AssignBridge.Platform.Security;
using AssignBridge.Platform.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace AssignBridge.Sources.Jira;

internal static class JiraEndpoints
{
    public const string Route = "/api/webhooks/jira";
    public const string Source = "jira";
    public const string IdentifierHeader = "X-Atlassian-Webhook-Identifier";
    public const string RetryHeader = "X-Atlassian-Webhook-Retry";

    public static IEndpointRouteBuilder MapJiraWebhook(this IEndpointRouteBuilder app)
    {
        app.MapPost(Route, PostAsync).WithName("PostJiraWebhook");
        return app;
    }

    // Read the bounded body, verify it (signature or Automation secret), parse it, and journal the assignment it holds.
    // Jira is answered 2xx whenever the delivery is journaled, whatever became of it, and for events it need not
    // send again (ignored, with the reason); 5xx only when the journal could not be written, so that Jira retries.
    internal static async Task<Results<Ok<WebhookAnswer>, ProblemHttpResult>> PostAsync(
        HttpContext context,
        JiraSignatureVerifier verifier,
        JiraEventReader reader,
        DeliveryIntake intake,
        Sync.EchoGuard echo,
        IOptions<JiraOptions> options,
        ILogger<JiraEventReader> logger,
        CancellationToken cancellationToken)
    {
        var request = context.Request;
        var limits = options.Value;
        var route = new SignedRoute(limits.MaxBodyBytes, "Jira:MaxBodyBytes", reason => Log.BadRequest(logger, reason), (check, via) => Log.Unauthorized(logger, check, via));
        var (signed, via, refusal) = await SignedBody.ReadAsync(request, route, bytes =>
        {
            var (check, by) = verifier.Verify(bytes, request.Headers[JiraSignatureVerifier.SignatureHeader], request.Headers[limits.AutomationSecretHeader], request.Headers.Authorization);
            return (check, by.ToString());
        }, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var body = signed!; // read and verified: a body without a refusal

        if (!WebhookResults.TryParseJson(request, body, JiraJsonContext.Default.JiraWebhookPayload, "Jira", reason => Log.BadRequest(logger, reason), out var payload, out var problem))
        {
            return problem;
        }

        // The timestamp is inside the signed body: a captured delivery cannot be replayed later with a new one.
        if (verifier.CheckFreshness(payload.Timestamp, TimeSpan.FromSeconds(limits.ReplayWindowSeconds)) != SignatureCheck.Valid)
        {
            Log.Unauthorized(logger, nameof(SignatureCheck.Expired), via);
            return WebhookResults.Unauthorized();
        }

        var identifier = request.Headers[IdentifierHeader].ToString();
        if (identifier.Length > 0 && InputRules.Identifier(IdentifierHeader, identifier, 200) is not null)
        {
            Log.BadRequest(logger, $"{IdentifierHeader} is not a short single-line value");
            return WebhookResults.Problem(StatusCodes.Status400BadRequest, "Bad delivery identifier", $"{IdentifierHeader} must be at most 200 characters on one line.");
        }

        switch (reader.Read(payload, body, identifier))
        {
            case JiraMalformed malformed:
                Log.BadRequest(logger, malformed.Problem);
                return WebhookResults.Problem(StatusCodes.Status400BadRequest, "Not a usable Jira delivery", malformed.Problem);
            case JiraIgnored ignored:
                Log.Ignored(logger, ignored.Issue, ignored.Reason);
                return WebhookResults.Ignored(ignored.Reason);
            case JiraAssignment { Intent: var intent }:
                if (await echo.EchoOfAsync(intent, cancellationToken) is { } own)
                {
                    return WebhookResults.Ignored(own, intent.DeliveryId); // two-way sync: the bridge's own ticket write, already in Kibana
                }

                var retry = request.Headers[RetryHeader].ToString();
                Log.Accepted(logger, intent.DeliveryId, intent.Reference, intent.Add.Count, intent.Remove.Count, intent.Alerts.Count, retry.Length is > 0 and <= 10 ? retry : null);
                var deadline = TimeSpan.FromSeconds(limits.InlineDeadlineSeconds);
                var result = limits.DryRun
                    ? await intake.DryRunAsync(intent, deadline, cancellationToken)
                    : await intake.AcceptAsync(intent, deadline, cancellationToken: cancellationToken);
                return WebhookResults.FromIntake(context, result);
            default:
                throw new InvalidOperationException("Unknown Jira reading.");
        }
    }
}

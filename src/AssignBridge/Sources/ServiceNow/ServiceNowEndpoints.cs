using AssignBridge.Delivery;
using AssignBridge.Ingress;
using AssignBridge.Platform.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace AssignBridge.Sources.ServiceNow;

internal static class ServiceNowEndpoints
{
    public const string Route = "/api/webhooks/servicenow";
    public const string Source = "servicenow";

    public static IEndpointRouteBuilder MapServiceNowWebhook(this IEndpointRouteBuilder app)
    {
        app.MapPost(Route, PostAsync).WithName("PostServiceNowWebhook");
        return app;
    }

    // Read the bounded body, verify it (HMAC or secret header), parse the contract, journal the assignment. 2xx whenever
    // journaled (the body says what happened) and for ignored records; 503 only when the journal could not be written.
    internal static async Task<Results<Ok<WebhookAnswer>, ProblemHttpResult>> PostAsync(
        HttpContext context,
        ServiceNowVerifier verifier,
        ServiceNowEventReader reader,
        DeliveryIntake intake,
        Sync.EchoGuard echo,
        IOptions<ServiceNowOptions> options,
        ILogger<ServiceNowEventReader> logger,
        CancellationToken cancellationToken)
    {
        var request = context.Request;
        var limits = options.Value;
        var route = new SignedRoute(limits.MaxBodyBytes, "ServiceNow:MaxBodyBytes", reason => Log.BadRequest(logger, reason), (check, via) => Log.Unauthorized(logger, check, via));
        var (signed, via, refusal) = await SignedBody.ReadAsync(request, route, bytes =>
        {
            var (check, by) = verifier.Verify(bytes, request.Headers[ServiceNowVerifier.SignatureHeader], request.Headers[ServiceNowVerifier.SecretHeader]);
            return (check, by.ToString());
        }, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var body = signed!; // read and verified: a body without a refusal

        if (!WebhookResults.TryParseJson(request, body, ServiceNowJsonContext.Default.ServiceNowPayload, "ServiceNow", reason => Log.BadRequest(logger, reason), out var payload, out var problem))
        {
            return problem;
        }

        if (verifier.CheckFreshness(ServiceNowVerifier.ParseTime(payload.SentAt) ?? ServiceNowVerifier.ParseTime(payload.SysUpdatedOn), TimeSpan.FromSeconds(limits.ReplayWindowSeconds)) != SignatureCheck.Valid)
        {
            Log.Unauthorized(logger, nameof(SignatureCheck.Expired), via);
            return WebhookResults.Unauthorized();
        }

        switch (reader.Read(payload))
        {
            case ServiceNowMalformed malformed:
                Log.BadRequest(logger, malformed.Problem);
                return WebhookResults.Problem(StatusCodes.Status400BadRequest, "Not a usable ServiceNow delivery", malformed.Problem);
            case ServiceNowIgnored ignored:
                Log.Ignored(logger, ignored.DeliveryId, ignored.Reason);
                return WebhookResults.Ignored(ignored.Reason, ignored.DeliveryId);
            case ServiceNowAssignment { Intent: var intent }:
                if (await echo.EchoOfAsync(intent, cancellationToken) is { } own)
                {
                    return WebhookResults.Ignored(own, intent.DeliveryId); // two-way sync: the bridge's own ticket write, already in Kibana
                }

                Log.Accepted(logger, intent.DeliveryId, intent.Reference, intent.Add.Count, intent.Remove.Count, intent.Alerts.Count);
                var deadline = TimeSpan.FromSeconds(limits.InlineDeadlineSeconds);
                return WebhookResults.FromIntake(context, limits.DryRun
                    ? await intake.DryRunAsync(intent, deadline, cancellationToken)
                    : await intake.AcceptAsync(intent, deadline, cancellationToken: cancellationToken));
            default:
                throw new InvalidOperationException("Unknown ServiceNow reading.");
        }
    }
}

using AssignBridge.AssignmentsApi;
using AssignBridge.Commands.Slack;
using AssignBridge.Commands.Teams;
using AssignBridge.Commands;
using AssignBridge.Delivery;
using AssignBridge.Health;
using AssignBridge.Kibana;
using AssignBridge.Platform.Functions;
using AssignBridge.Platform.Security;
using AssignBridge.Sources.Jira;
using AssignBridge.Sources.ServiceNow;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace AssignBridge.Functions;

// The ways in: each function is the standalone route's handler, called with the same services. The host checks the
// function key; every handler still does its own verification (signature, token) on the raw body.
internal static class IngressFunctions
{
    [Function("PostJiraWebhook")]
    public static async Task<IResult> JiraAsync([HttpTrigger(AuthorizationLevel.Function, "post", Route = "webhooks/jira")] HttpRequest request, FunctionContext context) =>
        await JiraEndpoints.PostAsync(request.HttpContext, context.Service<JiraSignatureVerifier>(), context.Service<JiraEventReader>(), context.Service<DeliveryIntake>(), context.Service<Sync.EchoGuard>(),
            context.Service<IOptions<JiraOptions>>(), context.Service<ILogger<JiraEventReader>>(), context.CancellationToken);

    [Function("PostServiceNowWebhook")]
    public static async Task<IResult> ServiceNowAsync([HttpTrigger(AuthorizationLevel.Function, "post", Route = "webhooks/servicenow")] HttpRequest request, FunctionContext context) =>
        await ServiceNowEndpoints.PostAsync(request.HttpContext, context.Service<ServiceNowVerifier>(), context.Service<ServiceNowEventReader>(), context.Service<DeliveryIntake>(), context.Service<Sync.EchoGuard>(),
            context.Service<IOptions<ServiceNowOptions>>(), context.Service<ILogger<ServiceNowEventReader>>(), context.CancellationToken);

    [Function("PostSlackCommand")]
    public static async Task<IResult> SlackAsync([HttpTrigger(AuthorizationLevel.Function, "post", Route = "commands/slack")] HttpRequest request, FunctionContext context) =>
        await SlackEndpoints.PostAsync(request.HttpContext, context.Service<SlackSignatureVerifier>(), context.Service<CommandRunner>(), context.Service<SlackFollowUp>(),
            context.Service<IOptions<SlackOptions>>(), context.Service<ILogger<SlackFollowUp>>(), context.CancellationToken);

    [Function("PostTeamsCommand")]
    public static async Task<IResult> TeamsAsync([HttpTrigger(AuthorizationLevel.Function, "post", Route = "commands/teams")] HttpRequest request, FunctionContext context) =>
        await TeamsEndpoints.PostAsync(request.HttpContext, context.Service<TeamsSignatureVerifier>(), context.Service<CommandRunner>(),
            context.Service<IOptions<TeamsOptions>>(), context.Service<ILogger<TeamsSignatureVerifier>>(), context.CancellationToken);

    [Function("PostAssignment")]
    public static async Task<IResult> AssignmentAsync([HttpTrigger(AuthorizationLevel.Function, "post", Route = "assignments")] HttpRequest request, FunctionContext context) =>
        await BearerTokenScheme.RefuseUnlessAuthenticatedAsync(request.HttpContext, AssignmentsEndpoints.TokenScheme)
        ?? await AssignmentsEndpoints.PostAsync(request.HttpContext, context.Service<DeliveryIntake>(),
            context.Service<IOptions<AssignmentsOptions>>(), context.Service<IOptions<KibanaOptions>>(), context.Service<ILogger<AssignmentService>>(), context.CancellationToken);

    [Function("GetHealth")]
    public static async Task<IResult> HealthAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request, FunctionContext context) =>
        await HealthEndpoints.HealthAsync(context.Service<HealthCheckService>(), context.Service<KibanaAccessCheck>(), context.CancellationToken);
}

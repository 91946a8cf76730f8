using AssignBridge.Audit;
using AssignBridge.Kibana;
using AssignBridge.Platform.Http;
using AssignBridge.Platform.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace AssignBridge.Admin;

// GET /api/manage/audit?alert=<id>[&space=<space>] or ?ticket=<key or reference>: who assigned
// what, from which ticket, when, and what Kibana answered. For holders of an Admin:Tokens token. Not under
// /api/admin: the Functions host reserves that prefix.
internal static class AuditEndpoints
{
    public const string Route = "/api/manage/audit";

    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder app)
    {
        app.MapGroup(Route).RequireAdmin().MapGet("", QueryAsync).WithName("QueryAudit");
        return app;
    }

    internal static async Task<Results<JsonHttpResult<List<AuditRecord>>, ProblemHttpResult>> QueryAsync(
        HttpRequest request, AuditLog audit, IOptions<KibanaOptions> kibana, CancellationToken cancellationToken)
    {
        var (alert, space, ticket) = (QueryValues.Text(request, "alert"), QueryValues.Text(request, "space"), QueryValues.Text(request, "ticket"));
        if (!QueryValues.TryInt(request, "top", out var top, out var badTop))
        {
            return badTop;
        }

        if (string.IsNullOrWhiteSpace(alert) == string.IsNullOrWhiteSpace(ticket))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Say what to look up",
                detail: "Give either alert=<alert id> (with space=<space>, default the Kibana default space) or ticket=<ticket key or reference>.");
        }

        space = string.IsNullOrWhiteSpace(space) ? kibana.Value.DefaultSpace : space;
        if (InputRules.SpaceId("space", space) is { } spaceProblem)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad space", detail: spaceProblem + ".");
        }

        var limit = Math.Clamp(top ?? 100, 1, 1_000);
        try
        {
            var records = !string.IsNullOrWhiteSpace(alert)
                ? await audit.ForAlertAsync(space, alert, limit, cancellationToken)
                : await audit.ForTicketAsync(ticket!, limit, cancellationToken);
            return TypedResults.Json(records.ToList(), AuditJsonContext.Default.ListAuditRecord);
        }
        catch (AuditUnavailableException exception)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Audit table unavailable", detail: exception.Message);
        }
    }
}

using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace JiraSimulator;

/// <summary>
/// <c>/_simulator</c>: seeding and fault switches for demos and scripts. Not Jira; no authentication, so it answers
/// loopback callers only. Errors are RFC 7807 problems.
/// </summary>
internal static class ControlEndpoints
{
    internal static void MapControlApi(this IEndpointRouteBuilder app)
    {
        var control = app.MapGroup("/_simulator").AddEndpointFilter(LoopbackOnly);
        control.MapPut("/issues", SeedIssuesAsync);
        control.MapPost("/faults", SetFaultsAsync);
        control.MapDelete("/faults", (JiraState state) =>
        {
            state.Faults.Reset();
            return TypedResults.NoContent();
        });
    }

    /// <summary><c>[{"key": "SEC-1", "assignee": null, "assignable": ["acc-1"], "defaultAssignee": null}]</c>.</summary>
    private static async Task<IResult> SeedIssuesAsync(HttpContext context, JiraState state)
    {
        try
        {
            var issues = (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))?.AsArray()
                ?? throw new JsonException("Expected a JSON array of issues.");
            foreach (var issue in issues)
            {
                state.SeedIssue(
                    issue?["key"]?.GetValue<string>() ?? throw new JsonException("Each issue needs a 'key'."),
                    issue["assignee"]?.GetValue<string>(),
                    issue["assignable"]?.AsArray().Select(u => u!.GetValue<string>()),
                    issue["defaultAssignee"]?.GetValue<string>());
            }

            return TypedResults.Json(new JsonObject { ["seeded"] = issues.Count }, JsonSerializerOptions.Default);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status400BadRequest, title: "Invalid issues");
        }
    }

    /// <summary><c>{"latencyMs": 0, "failNext": {"count": 1, "status": 429, "retryAfterSeconds": 30}}</c>.</summary>
    private static async Task<IResult> SetFaultsAsync(HttpContext context, JiraState state)
    {
        try
        {
            var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            if (body?["latencyMs"] is { } latency)
            {
                state.Faults.Latency = TimeSpan.FromMilliseconds(latency.GetValue<double>());
            }

            if (body?["failNext"] is { } fail)
            {
                state.Faults.FailNext(
                    fail["count"]?.GetValue<int>() ?? 1,
                    fail["status"]?.GetValue<int>() ?? throw new JsonException("'failNext' needs a 'status'."),
                    fail["retryAfterSeconds"] is { } seconds ? TimeSpan.FromSeconds(seconds.GetValue<double>()) : null);
            }

            return TypedResults.NoContent();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status400BadRequest, title: "Invalid faults");
        }
    }

    private static async ValueTask<object?> LoopbackOnly(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next) =>
        invocation.HttpContext.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address)
            ? await next(invocation)
            : TypedResults.Problem("The control API answers loopback callers only.", statusCode: StatusCodes.Status403Forbidden);
}

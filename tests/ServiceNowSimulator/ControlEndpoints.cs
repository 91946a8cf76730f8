using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ServiceNowSimulator;

/// <summary>
/// <c>/_simulator</c>: seeding and fault switches for demos and scripts. Not ServiceNow; no authentication, so it answers
/// loopback callers only. Errors are RFC 7807 problems.
/// </summary>
internal static class ControlEndpoints
{
    internal static void MapControlApi(this IEndpointRouteBuilder app)
    {
        var control = app.MapGroup("/_simulator").AddEndpointFilter(LoopbackOnly);
        control.MapPut("/seed", SeedAsync);
        control.MapPost("/faults", SetFaultsAsync);
        control.MapDelete("/faults", (ServiceNowState state) =>
        {
            state.Faults.Reset();
            return TypedResults.NoContent();
        });
    }

    /// <summary><c>{"users": [{"sys_id": "...", "user_name": "..."}], "records": [{"table": "incident", "sys_id": "...", "fields": {"number": "INC0010001"}}]}</c>.</summary>
    private static async Task<IResult> SeedAsync(HttpContext context, ServiceNowState state)
    {
        try
        {
            var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted)
                ?? throw new JsonException("Expected {\"users\": [...], \"records\": [...]}.");
            var users = body["users"]?.AsArray() ?? [];
            var records = body["records"]?.AsArray() ?? [];
            foreach (var user in users)
            {
                state.SeedUser(Required(user, "sys_id"), Required(user, "user_name"));
            }

            foreach (var record in records)
            {
                state.SeedRecord(Required(record, "table"), Required(record, "sys_id"),
                    record!["fields"]?.AsObject().ToDictionary(f => f.Key, f => f.Value?.GetValue<string>() ?? "", StringComparer.Ordinal));
            }

            return TypedResults.Json(new JsonObject { ["users"] = users.Count, ["records"] = records.Count }, JsonSerializerOptions.Default);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status400BadRequest, title: "Invalid seed");
        }
    }

    private static string Required(JsonNode? node, string name) =>
        node?[name]?.GetValue<string>() ?? throw new JsonException($"Each entry needs '{name}'.");

    /// <summary><c>{"latencyMs": 0, "failNext": {"count": 1, "status": 429, "retryAfterSeconds": 30}}</c>.</summary>
    private static async Task<IResult> SetFaultsAsync(HttpContext context, ServiceNowState state)
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

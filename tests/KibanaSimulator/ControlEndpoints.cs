using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KibanaSimulator;

/// <summary>
/// <c>/_simulator</c>: seeding, inspection and fault switches for demos and scripts. Not Kibana;
/// no authentication, so it answers loopback callers only. Errors are RFC 7807 problems.
/// </summary>
internal static class ControlEndpoints
{
    internal static void MapControlApi(this IEndpointRouteBuilder app)
    {
        var control = app.MapGroup("/_simulator").AddEndpointFilter(LoopbackOnly);
        control.MapGet("/alerts", ListAlerts);
        control.MapPut("/alerts", SeedAlertsAsync);
        control.MapPost("/faults", SetFaultsAsync);
        control.MapDelete("/faults", ResetFaults);
    }

    /// <summary>Seeds alerts from the <c>--seed</c> file format; also used by <c>PUT /_simulator/alerts</c>.</summary>
    internal static int Seed(KibanaState state, IReadOnlyList<SeedAlertPayload> alerts)
    {
        var problems = alerts
            .Select((alert, index) => string.IsNullOrEmpty(alert.Id) ? $"[{index}]: 'id' is required"
                : alert.Space is { } space && !SpaceIds.IsValid(space) ? $"[{index}]: '{space}' is not a space id (lower-case letters, digits, '_' and '-')"
                : alert.Assignees?.Any(string.IsNullOrWhiteSpace) == true ? $"[{index}]: assignees must be non-empty strings"
                : null)
            .OfType<string>()
            .ToList();
        if (problems.Count > 0)
        {
            throw new JsonException(string.Join("; ", problems));
        }

        foreach (var alert in alerts)
        {
            state.Seed(alert.Space ?? SpaceIds.Default, alert.Id!, alert.Assignees);
        }

        return alerts.Count;
    }

    internal static async Task<List<SeedAlertPayload>> ReadSeedAsync(Stream json, CancellationToken cancellationToken) =>
        await JsonSerializer.DeserializeAsync(json, SimulatorJsonContext.Default.ListSeedAlertPayload, cancellationToken)
            ?? throw new JsonException("Expected a JSON array of {\"space\", \"id\", \"assignees\"} objects.");

    private static JsonHttpResult<List<SeedAlertPayload>> ListAlerts(KibanaState state, string? space) =>
        TypedResults.Json(
            state.Snapshot(space).Select(a => new SeedAlertPayload(a.Space, a.Id, a.Assignees)).ToList(),
            SimulatorJsonContext.Wire.ListSeedAlertPayload);

    private static async Task<IResult> SeedAlertsAsync(HttpContext context, KibanaState state)
    {
        try
        {
            var count = Seed(state, await ReadSeedAsync(context.Request.Body, context.RequestAborted));
            return TypedResults.Json(new JsonObject { ["seeded"] = count }, SimulatorJsonContext.Wire.JsonObject);
        }
        catch (JsonException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status400BadRequest, title: "Invalid seed");
        }
    }

    private static async Task<IResult> SetFaultsAsync(HttpContext context, KibanaState state)
    {
        FaultsPayload? payload;
        try
        {
            payload = await JsonSerializer.DeserializeAsync(context.Request.Body, SimulatorJsonContext.Default.FaultsPayload, context.RequestAborted);
        }
        catch (JsonException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status400BadRequest, title: "Invalid faults");
        }

        try
        {
            if (payload?.LatencyMs is { } latency)
            {
                state.Faults.Latency = TimeSpan.FromMilliseconds(latency);
            }

            if (payload?.FailNext is { } fail)
            {
                state.Faults.FailNext(fail.Count, fail.Status, fail.Shape ?? "boom", fail.RetryAfterSeconds is { } s ? TimeSpan.FromSeconds(s) : null);
            }

            if (payload?.DropNext is { } drop)
            {
                state.Faults.DropNext(drop);
            }
        }
        catch (ArgumentException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status400BadRequest, title: "Invalid faults");
        }

        return TypedResults.NoContent();
    }

    private static NoContent ResetFaults(KibanaState state)
    {
        state.Faults.Reset();
        return TypedResults.NoContent();
    }

    private static async ValueTask<object?> LoopbackOnly(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next) =>
        invocation.HttpContext.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address)
            ? await next(invocation)
            : TypedResults.Problem("The control API answers loopback callers only.", statusCode: StatusCodes.Status403Forbidden);
}

using System.Text.Json.Nodes;

namespace KibanaSimulator;

public static class KibanaSimulatorServices
{
    /// <summary>Registers what <see cref="KibanaSimulatorEndpoints.MapKibanaSimulator"/> needs: the state, the key gate and a clock.</summary>
    public static IServiceCollection AddKibanaSimulator(this IServiceCollection services, SimulatorOptions options, KibanaState? state = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(state ?? new KibanaState());
        services.AddSingleton(new KibanaGate(options));
        services.AddSingleton(TimeProvider.System);
        return services;
    }
}

public static class KibanaSimulatorEndpoints
{
    /// <summary>
    /// Maps Kibana's routes at the root and under <c>/s/{space}</c>, the <c>/_simulator</c> control
    /// API and a Boom 404 for everything else. Needs <see cref="KibanaSimulatorServices.AddKibanaSimulator"/>.
    /// </summary>
    public static IEndpointRouteBuilder MapKibanaSimulator(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        _ = app.ServiceProvider.GetService<KibanaGate>()
            ?? throw new InvalidOperationException("Call services.AddKibanaSimulator(options) before MapKibanaSimulator().");

        // Kibana's spaces plugin strips `/s/{space}` before routing, so both prefixes reach the same routes.
        foreach (var prefix in (string[])["/", "/s/{space}"])
        {
            var kibana = app.MapGroup(prefix).AddEndpointFilter(RecordAsync).AddEndpointFilter(RequireValidSpace);
            kibana.MapPost(AssigneesEndpoint.Path, AssigneesEndpoint.HandleAsync).AddEndpointFilter(ApplyFaultsAsync);
            kibana.MapPost(SearchEndpoint.Path, SearchEndpoint.HandleAsync).AddEndpointFilter(ApplyFaultsAsync);
            kibana.MapGet("/api/status", Status);
            kibana.MapGet(UsersEndpoint.Path, UsersEndpoint.Handle);
        }

        app.MapControlApi();

        // hapi answers unknown routes (and known paths with another method) before authentication.
        app.MapFallback(KibanaErrors.NotFound).AddEndpointFilter(RecordAsync);
        return app;
    }

    /// <summary><c>GET /api/status</c>: any authenticated key, including read-only ones.</summary>
    private static IResult Status(HttpContext context, KibanaGate gate) =>
        gate.CheckAuthenticated(context) ?? TypedResults.Json(
            new JsonObject
            {
                ["name"] = "kibana-simulator",
                ["version"] = new JsonObject { ["number"] = "9.1.0" },
                ["status"] = new JsonObject { ["overall"] = new JsonObject { ["level"] = "available" } },
            },
            SimulatorJsonContext.Wire.JsonObject);

    /// <summary>Records every request to a Kibana path, whatever answered it (a fault, a check, a handler).</summary>
    private static async ValueTask<object?> RecordAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var path = context.Request.PathBase.Add(context.Request.Path);
        if (!path.StartsWithSegments("/api", StringComparison.Ordinal) && !path.StartsWithSegments("/internal", StringComparison.Ordinal)
            && !path.StartsWithSegments("/s", StringComparison.Ordinal))
        {
            return await next(invocation);
        }

        var services = context.RequestServices;
        var state = services.GetRequiredService<KibanaState>();
        var at = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var body = await RequestBody.ReadTextAsync(context);
        object? result;
        state.Arrived(path.Value!);
        try
        {
            result = await next(invocation);
        }
        finally
        {
            state.Answered(path.Value!);
        }

        // Recorded before the result is written, so a client never sees an answer that is not yet in the log.
        var status = result is DroppedConnection || context.RequestAborted.IsCancellationRequested ? 0
            : result is IStatusCodeHttpResult { StatusCode: { } code } ? code
            : StatusCodes.Status200OK;
        state.Record(new RecordedRequest(
            context.Request.Method, path.Value!, SpaceIds.FromPath(path), RecordedRequest.CopyHeaders(context.Request.Headers), body, status, at));
        return result;
    }

    /// <summary>
    /// What a fault answers when it aborts the connection. Kestrel cancels RequestAborted
    /// asynchronously after Abort(), so the recorder needs this to know there was no answer.
    /// </summary>
    private sealed class DroppedConnection : IResult
    {
        private static readonly DroppedConnection s_instance = new();

        public static DroppedConnection Abort(HttpContext context)
        {
            context.Abort();
            return s_instance;
        }

        public Task ExecuteAsync(HttpContext httpContext) => Task.CompletedTask;
    }

    // `/s/Not A Space/api/...` is no space path to Kibana, just an unknown route (see SpaceIds).
    private static async ValueTask<object?> RequireValidSpace(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next) =>
        invocation.HttpContext.GetRouteValue("space") is string space && !SpaceIds.IsValid(space)
            ? KibanaErrors.NotFound()
            : await next(invocation);

    /// <summary>Latency, then a queued failure or drop, before any of Kibana's own checks.</summary>
    private static async ValueTask<object?> ApplyFaultsAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var faults = context.RequestServices.GetRequiredService<KibanaState>().Faults;
        var (latency, fault) = faults.TakeNext();
        if (latency > TimeSpan.Zero)
        {
            var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
            var turn = faults.LatencyOneAtATime ? faults.TurnOf(context.GetRouteValue("space") as string ?? "default") : null;
            try
            {
                if (turn is not null)
                {
                    await turn.WaitAsync(cancel.Token);
                }

                try
                {
                    await Task.Delay(latency, cancel.Token);
                }
                finally
                {
                    turn?.Release();
                }
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                return DroppedConnection.Abort(context);
            }
        }

        switch (fault)
        {
            case null or { StatusCode: 0, Drop: false }:
                return await next(invocation);
            case { Drop: true }:
                return DroppedConnection.Abort(context);
        }

        if (fault.Raw is { } raw)
        {
            return Results.Text(raw.Body, raw.ContentType, System.Text.Encoding.UTF8, fault.StatusCode);
        }

        if (fault.RetryAfter is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var message = fault.StatusCode == StatusCodes.Status500InternalServerError && !fault.Siem
            ? KibanaErrors.InternalErrorMessage
            : Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(fault.StatusCode);
        return fault.Siem ? KibanaErrors.Siem(fault.StatusCode, message) : KibanaErrors.Boom(fault.StatusCode, message);
    }
}

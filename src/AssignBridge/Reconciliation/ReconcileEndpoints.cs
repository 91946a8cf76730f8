using System.Text.Json.Serialization;
using AssignBridge.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AssignBridge.Reconciliation;

/// <summary>The reply the Functions host expects from a non-HTTP invocation (functions-custom-handlers.md §3a): always JSON.</summary>
internal sealed record InvocationResponse(
    [property: JsonPropertyName("Outputs")] IReadOnlyDictionary<string, string> Outputs,
    [property: JsonPropertyName("Logs")] IReadOnlyList<string> Logs,
    [property: JsonPropertyName("ReturnValue")] ReconcileReport ReturnValue);

internal static class ReconcileEndpoints
{
    /// <summary>The timer function's name: the host posts to /{FunctionName} at the root, not under /api.</summary>
    public const string Route = "/Reconcile";
    private const int MaxBodyBytes = 64 * 1_024;

    public static IEndpointRouteBuilder MapReconcile(this IEndpointRouteBuilder app)
    {
        app.MapPost(Route, PostAsync).WithName("Reconcile");
        return app;
    }

    /// <summary>
    /// The timer's payload (<c>{"Data":{"timer":{…}},"Metadata":{…}}</c>) carries nothing the run needs, so it is
    /// read (bounded) and not parsed: a malformed timestamp in it (azure-functions-host#7391) cannot fail a run.
    /// </summary>
    internal static async Task<Ok<InvocationResponse>> PostAsync(HttpContext context, ReconcileService reconcile, CancellationToken cancellationToken)
    {
        await RequestBody.ReadAsync(context.Request, MaxBodyBytes, cancellationToken);
        var report = await reconcile.RunAsync(cancellationToken);
        var line = report.Ran
            ? $"Reconcile: {report.Due} due, {report.Attempted} attempted, {report.Applied} applied, {report.Retrying} retrying, {report.Rejected} rejected, {report.Dead} dead in {report.DurationMs} ms."
            : $"Reconcile skipped: {report.Reason}.";
        return TypedResults.Ok(new InvocationResponse(new Dictionary<string, string>(), [line], report));
    }
}

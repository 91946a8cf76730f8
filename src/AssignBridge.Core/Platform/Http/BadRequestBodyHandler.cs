using AssignBridge.Platform.Telemetry;
using Microsoft.AspNetCore.Diagnostics;

namespace AssignBridge.Platform.Http;

// A body Kestrel stops reading, most often because it arrives slower than the minimum data rate (a client
// trickling bytes to hold a connection), surfaces as BadHttpRequestException from whichever route was
// reading it. That is the client's fault, not the bridge's: a problem answer with Kestrel's status (408 for a slow
// body, 400 or 413 otherwise), logged and counted, never a 500.
internal sealed class BadRequestBodyHandler(IProblemDetailsService problems, ILogger<BadRequestBodyHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad || httpContext.Response.HasStarted)
        {
            return false;
        }

        var route = (httpContext.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? httpContext.Request.Path.Value ?? "";
        var status = bad.StatusCode is >= 400 and < 500 ? bad.StatusCode : StatusCodes.Status400BadRequest;
        if (status == StatusCodes.Status408RequestTimeout)
        {
            Log.SlowClient(logger, httpContext.Request.Method, route);
        }
        else
        {
            Log.BadBody(logger, httpContext.Request.Method, route, status);
        }

        AssignBridgeTelemetry.BadBody(route, status);
        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails =
            {
                Status = status,
                Title = status == StatusCodes.Status408RequestTimeout ? "Request body too slow" : "Request body unreadable",
                Detail = status == StatusCodes.Status408RequestTimeout
                    ? "The body arrived slower than the server's minimum data rate, so it was not read. Send it again in one go."
                    : "The body could not be read. Send it again.",
            },
        });
    }
}

using System.Diagnostics;
using AssignBridge.Platform.Telemetry;

namespace AssignBridge.Kibana;

// Innermost handler of the Kibana client: one span, one latency sample and one status-code count per request
// actually sent (each retry and the re-send after a rotated key included). Records the route and space, never
// headers or bodies.
internal sealed class KibanaTelemetryHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var (route, space) = Describe(request.RequestUri);
        using var activity = AssignBridgeTelemetry.Source.StartActivity($"kibana {route}", ActivityKind.Internal);
        activity?.SetTag("assignbridge.kibana.route", route);
        activity?.SetTag("assignbridge.kibana.space", space);
        var started = Stopwatch.GetTimestamp();
        var status = 0;
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            status = (int)response.StatusCode;
            return response;
        }
        finally
        {
            AssignBridgeTelemetry.KibanaAnswered(route, status, Stopwatch.GetElapsedTime(started));
            activity?.SetTag("http.response.status_code", status);
            if (status is 0 or >= 400)
            {
                activity?.SetStatus(ActivityStatusCode.Error);
            }
        }
    }

    /// <summary>The route without its space prefix, as a low-cardinality name (<c>assignees</c>, <c>search</c>, <c>status</c>, …), and the space.</summary>
    internal static (string Route, string Space) Describe(Uri? uri)
    {
        var path = (uri?.IsAbsoluteUri == true ? uri.AbsolutePath : uri?.OriginalString ?? "").TrimStart('/');
        var query = path.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            path = path[..query];
        }

        var space = "default";
        if (path.StartsWith("s/", StringComparison.Ordinal))
        {
            var end = path.IndexOf('/', 2);
            space = end < 0 ? path[2..] : path[2..end];
            path = end < 0 ? "" : path[(end + 1)..];
        }

        var route = path switch
        {
            KibanaClient.AssigneesRoute => "assignees",
            KibanaClient.SearchRoute => "search",
            KibanaClient.FindUsersRoute => "users_find",
            "api/status" => "status",
            _ => "other",
        };
        return (route, space);
    }
}

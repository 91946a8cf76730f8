using AssignBridge.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace AssignBridge.IntegrationTests.Deployment;

/// <summary>A route the app maps, as "METHOD /path" with route constraints dropped (function.json routes carry none).</summary>
public sealed record AppRoute(string Method, string Path)
{
    public override string ToString() => $"{Method} {Path}";
}

/// <summary>The routes of the app exactly as <see cref="AssignBridgeApp.Build"/> maps them, read without starting it.</summary>
public static class AppRoutes
{
    /// <summary>Every mapped route except <c>GET /</c>, the host's readiness probe, which no function stands for.</summary>
    public static async Task<IReadOnlyList<AppRoute>> PublicAndFunctionRoutesAsync()
    {
        var app = AssignBridgeApp.Build(
        [
            "--urls=http://127.0.0.1:0",
            "--Kibana:Url=http://127.0.0.1:9/",
            "--Kibana:ApiKey=unused",
            "--Storage:ConnectionString=UseDevelopmentStorage=true",
        ]);
        await using (app)
        {
            return ((IEndpointRouteBuilder)app).DataSources
                .SelectMany(source => source.Endpoints)
                .OfType<RouteEndpoint>()
                .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"])
                    .Select(method => new AppRoute(method.ToUpperInvariant(), Normalize(endpoint.RoutePattern.RawText ?? string.Empty))))
                .Where(route => route is not { Method: "GET", Path: "/" })
                .Distinct()
                .OrderBy(route => route.Path, StringComparer.Ordinal).ThenBy(route => route.Method, StringComparer.Ordinal)
                .ToList();
        }
    }

    /// <summary>"/api/x/{id:guid}" and "api/x/{id}" both become "/api/x/{id}"; paths compare case-insensitively in both hosts.</summary>
    public static string Normalize(string pattern)
    {
        var path = "/" + pattern.Trim('/');
        return System.Text.RegularExpressions.Regex.Replace(path, @"\{(\*{0,2})([^}:=?]+)[^}]*\}", "{$1$2}").ToLowerInvariant();
    }
}

using AssignBridge.Hosting;
using Microsoft.AspNetCore.Routing;

namespace AssignBridge.IntegrationTests.Deployment;

/// <summary>A route the app maps, as "METHOD /path" with route constraints dropped (function routes carry none).</summary>
public sealed record AppRoute(string Method, string Path)
{
    public override string ToString() => $"{Method} {Path}";
}

/// <summary>A route with the endpoint name the standalone app gives it, which is the name of the function standing for it.</summary>
public sealed record NamedRoute(string Name, string Method, string Path)
{
    public override string ToString() => $"{Name}: {Method} {Path}";
}

/// <summary>The routes of the standalone app exactly as <see cref="AssignBridgeApp.Build"/> maps them, read without starting it.</summary>
public static class AppRoutes
{
    public static async Task<IReadOnlyList<AppRoute>> PublicAndFunctionRoutesAsync() =>
        [.. (await NamedRoutesAsync()).Select(r => new AppRoute(r.Method, r.Path)).Distinct()];

    public static async Task<IReadOnlyList<NamedRoute>> NamedRoutesAsync()
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
                    .Select(method => new NamedRoute(
                        endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? "(unnamed)",
                        method.ToUpperInvariant(),
                        Normalize(endpoint.RoutePattern.RawText ?? string.Empty))))
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

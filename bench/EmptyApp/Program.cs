// The floor for cold start: the same builder, host and listening rule as the standalone bridge (Hosting/HostingExtensions.cs
// ListenStandalone: --urls or ASPNETCORE_URLS, else 127.0.0.1:7071), and one route at the path the bench polls.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:7071");
}

var app = builder.Build();
app.MapGet("/api/health", () => Results.Ok());
await app.RunAsync();

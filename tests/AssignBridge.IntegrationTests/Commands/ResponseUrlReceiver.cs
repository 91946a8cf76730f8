using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AssignBridge.IntegrationTests.Commands;

/// <summary>Stands in for Slack's response_url: a Kestrel app on a free loopback port that keeps every body posted to it.</summary>
public sealed class ResponseUrlReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<string> _posts = Channel.CreateUnbounded<string>();

    private ResponseUrlReceiver(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public Uri ResponseUrl => new(BaseAddress, "commands/T1/123/abc");

    public static async Task<ResponseUrlReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new ResponseUrlReceiver(app);
        app.MapPost("/commands/{**rest}", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            await receiver._posts.Writer.WriteAsync(await reader.ReadToEndAsync());
            return Results.Ok();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return receiver;
    }

    public async Task<string> NextAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        return await _posts.Reader.ReadAsync(cancel.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

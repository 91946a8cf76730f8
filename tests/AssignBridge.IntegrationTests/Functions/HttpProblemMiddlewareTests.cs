using System.Text.Json.Nodes;
using System.Text;
using AssignBridge.Functions;
using AssignBridge.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AssignBridge.IntegrationTests.Functions;

/// <summary>
/// What escapes a function is answered as the standalone app's exception handlers answer it: a body the client broke
/// is its 408/400 problem (logged and counted by the same handler), anything else a bare 500 problem with no exception
/// text. The host alone would answer 500 with an empty body (functions-isolated-worker.md "HTTP through the host").
/// </summary>
[Collection("azurite")]
public sealed class HttpProblemMiddlewareTests(AzuriteFixture azurite)
{
    [Theory]
    [InlineData(408, "Request body too slow")]
    [InlineData(500, "An error occurred while processing your request.")]
    public async Task ExceptionOutOfAFunction_AnsweredWithTheStandaloneProblem(int status, string title)
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        await using var scope = bridge.Services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Request.Method = "POST";
        http.Request.Path = "/api/assignments";
        var body = new MemoryStream();
        http.Response.Body = body;
        await using var context = new TestFunctionContext(bridge.Services, "PostAssignment");
        context.Items["HttpRequestContext"] = http; // where the ASP.NET Core integration keeps the invocation's HttpContext

        Exception thrown = status == 408
            ? new BadHttpRequestException("Reading the request body timed out due to data arriving too slowly.", StatusCodes.Status408RequestTimeout)
            : new InvalidOperationException("secret-looking internal detail");
        await new HttpProblemMiddleware().Invoke(context, _ => throw thrown);

        Assert.Equal(status, http.Response.StatusCode);
        Assert.StartsWith("application/problem+json", http.Response.ContentType, StringComparison.Ordinal);
        var text = Encoding.UTF8.GetString(body.ToArray());
        Assert.Equal(title, JsonNode.Parse(text)!["title"]!.GetValue<string>());
        Assert.DoesNotContain("secret-looking", text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-looking", string.Join("\n", bridge.Logs.Lines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExceptionOutOfATimerOrQueueFunction_LeftToTheHost()
    {
        await using var bridge = await BridgeHarness.StartAsync(azurite);
        await using var context = new TestFunctionContext(bridge.Services, "ApplyDelivery");

        await Assert.ThrowsAsync<InvalidOperationException>(() => new HttpProblemMiddleware().Invoke(context, _ => throw new InvalidOperationException("retry me")));
    }
}

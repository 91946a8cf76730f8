using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace EmptyWorkerApp;

// The one function: GET /api/health answering 200, the route the bridge's health function has.
internal static class HealthFunction
{
    [Function("GetHealth")]
    public static IResult Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request) => Results.Ok();
}

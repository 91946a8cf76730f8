using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Azure.Functions.Worker;


namespace AssignBridge.Functions;

// Worker middleware (it runs for every function): an exception out of an HTTP function becomes the answer the
// standalone app gives for it, through the same exception handlers (BadRequestBodyHandler: 408/400 for
// a body the client broke) and otherwise a bare 500 problem, no exception text. Timer and queue functions rethrow: the host retries
// and logs them.
internal sealed class HttpProblemMiddleware : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception exception) when (context.GetHttpContext() is { Response.HasStarted: false } http && !context.CancellationToken.IsCancellationRequested)
        {
            var services = context.InstanceServices;
            var cause = exception is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerExceptions[0] : exception;
            foreach (var handler in services.GetServices<IExceptionHandler>())
            {
                if (await handler.TryHandleAsync(http, cause, context.CancellationToken))
                {
                    return;
                }
            }

            Log.FunctionFailed(services.GetRequiredService<ILogger<HttpProblemMiddleware>>(), context.FunctionDefinition.Name, cause.GetType().Name);
            http.Response.StatusCode = StatusCodes.Status500InternalServerError;
            await services.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = { Status = StatusCodes.Status500InternalServerError, Title = "An error occurred while processing your request." },
            });
        }
    }
}

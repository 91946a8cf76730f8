using Microsoft.AspNetCore.Builder;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

// The floor for cold start under the Functions worker: the builder the bridge uses under the host
// (src/AssignBridge/Hosting/FunctionsApp.cs) with the ASP.NET Core integration, and nothing else. Started by the host
// (or the bench's stand-in for it, bench/AssignBridge.Bench/WorkerHost.cs) only: without --functions-uri it cannot start.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
await builder.Build().RunAsync();

using Microsoft.Azure.Functions.Worker;

namespace AssignBridge.Platform.Functions;

/// <summary>The services of one invocation, as the standalone app's route handlers receive them.</summary>
internal static class Resolve
{
    public static T Service<T>(this FunctionContext context)
        where T : notnull => context.InstanceServices.GetRequiredService<T>();
}

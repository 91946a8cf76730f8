


namespace AssignBridge.Commands;

/// <summary>What the chat commands share; each chat (Commands/Slack, Commands/Teams) registers its own route.</summary>
internal static class CommandsExtensions
{
    public static IServiceCollection AddCommands(this IServiceCollection services)
    {
        services.AddSingleton<CommandRunner>();
        return services;
    }
}

using System.Reflection;
using AssignBridge.Hosting;
using Microsoft.Extensions.Logging;

namespace AssignBridge.Tests;

/// <summary>An event id names one kind of log line: an operator who filters or alerts on one must not catch another.</summary>
public sealed class LogEventIdTests
{
    [Fact]
    public void EveryLoggerMessage_HasAnEventIdOfItsOwn()
    {
        var messages = typeof(AssignBridgeApp).Assembly.GetTypes().Concat(typeof(CoreServices).Assembly.GetTypes())
            .SelectMany(type => type.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(method => (Method: $"{method.DeclaringType!.FullName}.{method.Name}", Attribute: method.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .ToList();

        var shared = messages.GroupBy(m => m.Attribute!.EventId).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Method))}")
            .ToList();

        Assert.True(messages.Count > 50, $"only {messages.Count} logger messages found");
        Assert.True(shared.Count == 0, "Event ids used more than once: " + string.Join("; ", shared));
    }
}

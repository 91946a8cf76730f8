namespace AssignBridge.Platform.Security;

/// <summary>
/// Reads a list of secrets from configuration (<c>Section:Setting:0</c>, <c>:1</c>… or a single value), so a secret can be
/// rotated by configuring the new one beside the old. Secrets stay out of options classes and never reach a log line.
/// </summary>
internal static class ConfiguredSecrets
{
    public static string[] Read(IConfiguration configuration, string setting)
    {
        var section = configuration.GetSection(setting);
        return [.. section.GetChildren().Select(c => c.Value).Append(section.Value).Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s!.Trim()).Distinct(StringComparer.Ordinal)];
    }
}

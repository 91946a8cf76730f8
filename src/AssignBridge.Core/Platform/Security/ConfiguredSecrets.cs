namespace AssignBridge.Platform.Security;

// Reads a list of secrets from configuration (Section:Setting:0, :1… or a single value), so a secret can be
// rotated by configuring the new one beside the old. Secrets stay out of options classes and never reach a log line.
internal static class ConfiguredSecrets
{
    public static string[] Read(IConfiguration configuration, string setting)
    {
        var section = configuration.GetSection(setting);
        return [.. section.GetChildren().Select(c => c.Value).Append(section.Value).Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s!.Trim()).Distinct(StringComparer.Ordinal)];
    }
}

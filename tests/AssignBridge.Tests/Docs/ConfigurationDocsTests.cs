using System.Text.Json;
using System.Text.RegularExpressions;
using AssignBridge.Secrets;
using AssignBridge.Tickets;
using Microsoft.Extensions.Configuration;

namespace AssignBridge.Tests.Docs;

/// <summary>
/// docs/configuration.md is written from the options classes, so these tests fail when it would say something else:
/// a setting added, renamed or retyped, a default or a rule changed, a summary missing or edited. Run
/// <see cref="ConfigurationDocument.RegenerateCommand"/> to write it.
/// </summary>
public sealed partial class ConfigurationDocsTests
{
    private static readonly Lazy<IReadOnlyList<ConfigurationSection>> s_sections = new(ConfigurationDocument.Sections);

    [Fact]
    public void ConfigurationDocs_EverySectionAndSetting_HasASummary()
    {
        var missing = s_sections.Value.Where(s => s.Summary.Length == 0).Select(s => $"{s.OptionsType.Name} (the class)")
            .Concat(s_sections.Value.SelectMany(s => s.Settings).Where(s => s.Description.Length == 0).Select(s => $"{s.Member.DeclaringType!.Name}.{s.Member.Name} ({s.Key})"))
            .ToList();

        Assert.True(missing.Count == 0, "Give these a /// <summary> (it is their description in docs/configuration.md):\n" + string.Join("\n", missing));
    }

    [Fact]
    public void ConfigurationDocs_File_IsWhatTheOptionsClassesSay()
    {
        var expected = ConfigurationDocument.Render(s_sections.Value);
        var path = Path.Combine(ConfigurationDocument.RepositoryRoot, ConfigurationDocument.RelativePath);
        if (Environment.GetEnvironmentVariable(ConfigurationDocument.WriteVariable) == "1")
        {
            File.WriteAllText(path, expected);
        }

        var actual = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : "";
        if (actual != expected)
        {
            var expectedLines = expected.Split('\n');
            var actualLines = actual.Split('\n');
            var first = Enumerable.Range(0, Math.Max(expectedLines.Length, actualLines.Length))
                .First(i => i >= expectedLines.Length || i >= actualLines.Length || expectedLines[i] != actualLines[i]);
            Assert.Fail(
                $"{ConfigurationDocument.RelativePath} is not what the options classes say (first difference at line {first + 1}).\n" +
                $"  file:    {(first < actualLines.Length ? actualLines[first] : "(end of file)")}\n" +
                $"  classes: {(first < expectedLines.Length ? expectedLines[first] : "(end of file)")}\n" +
                $"Edit the options classes (not the file), then write it with: {ConfigurationDocument.RegenerateCommand} (or scripts/docs.sh)");
        }
    }

    [Fact]
    public void ConfigurationDocs_KeysTheSamplesAndTheDeploymentSet_AreSettings()
    {
        var unknown = SampleKeys()
            .Where(k => !IsHostSetting(k.Key) && !s_sections.Value.SelectMany(s => s.Settings).Any(s => s.Matches(k.Key.Split(':'))))
            .Select(k => $"{k.Key} ({k.File})")
            .Distinct(StringComparer.Ordinal)
            .ToList();

        Assert.True(unknown.Count == 0,
            "Keys that are no setting of the options classes (a typo, or a setting that is gone); fix the file, or add the " +
            "setting to its options class (a host's own setting to ConfigurationDocument.HostSettings):\n" + string.Join("\n", unknown));
    }

    [Fact]
    public void ConfigurationDocs_SettingsTheCodeReadsByName_AreDocumented()
    {
        string[] read = [KibanaApiKeyProvider.LocalKeySetting, JiraApiOptions.LocalTokenSetting, ServiceNowApiOptions.LocalPasswordSetting, ServiceNowApiOptions.LocalClientSecretSetting];

        var undocumented = read.Where(k => !s_sections.Value.SelectMany(s => s.Settings).Any(s => s.Matches(k.Split(':')))).ToList();

        Assert.True(undocumented.Count == 0, "Declare these as [SecretSetting] constants of their options class: " + string.Join(", ", undocumented));
    }

    [Fact]
    public void ConfigurationDocs_ListsAndMaps_SpellTheirIndexedForms()
    {
        var settings = s_sections.Value.SelectMany(s => s.Settings).ToDictionary(s => s.Key, StringComparer.Ordinal);

        Assert.Equal("`Jira__Secrets__0`, `__1`, …", settings["`Jira:Secrets:0`, `:1`, …"].EnvironmentVariable);
        Assert.Equal("`Admin__Tokens__<name>`", settings["`Admin:Tokens:<name>`"].EnvironmentVariable);
        Assert.Equal("`Jira__ProjectSpaces__<name>`", settings["`Jira:ProjectSpaces:<name>`"].EnvironmentVariable);
        Assert.Equal("`Slack__AllowedTeams__0`, `__1`, …", settings["`Slack:AllowedTeams:0`, `:1`, …"].EnvironmentVariable);
        Assert.True(settings["`Jira:Secrets:0`, `:1`, …"].Matches(["Jira", "Secrets"]));
        Assert.False(settings["`Slack:AllowedTeams:0`, `:1`, …"].Matches(["Slack", "AllowedTeams", "T1"]));
    }

    private static bool IsHostSetting(string key) => ConfigurationDocument.HostSettings.Any(h =>
        string.Equals(key, h.Name, StringComparison.OrdinalIgnoreCase) || key.StartsWith(h.Name + ":", StringComparison.OrdinalIgnoreCase));

    // Every key the repository's samples and deployment name, in the Section:Key form.
    private static IEnumerable<(string File, string Key)> SampleKeys()
    {
        var root = ConfigurationDocument.RepositoryRoot;

        const string LocalSettings = "local.settings.example.json";
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, LocalSettings))))
        {
            foreach (var value in json.RootElement.GetProperty("Values").EnumerateObject())
            {
                yield return (LocalSettings, FromEnvironmentForm(value.Name));
            }
        }

        foreach (var file in Directory.GetFiles(Path.Combine(root, "src", "AssignBridge"), "appsettings*.json").Order(StringComparer.Ordinal))
        {
            var configuration = new ConfigurationBuilder().AddJsonFile(file).Build();
            foreach (var (key, _) in configuration.AsEnumerable().Where(p => p.Value is not null))
            {
                yield return (Path.GetRelativePath(root, file), key);
            }
        }

        // App setting names in the bicep, in code and in comments alike: Kibana__Url, Jira__Secrets__0. Only the comment
        // that explains the form (Section__Key) names no setting.
        foreach (var file in new[] { "infra/modules/appsettings.bicep", "infra/main.bicep" })
        {
            foreach (Match match in AppSettingNamePattern().Matches(File.ReadAllText(Path.Combine(root, file))))
            {
                if (match.Value == "Section__Key")
                {
                    continue;
                }

                yield return (file, FromEnvironmentForm(match.Value));
            }
        }
    }

    private static string FromEnvironmentForm(string name) => name.Replace("__", ":", StringComparison.Ordinal);

    [GeneratedRegex(@"\b[A-Za-z][A-Za-z0-9]*(?:__[A-Za-z0-9]+)+\b")]
    private static partial Regex AppSettingNamePattern();
}

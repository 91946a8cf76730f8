using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using AssignBridge.Hosting;
using AssignBridge.Platform.Configuration;
using Microsoft.Extensions.Configuration;

namespace AssignBridge.Tests.Docs;

/// <summary>One settings section as docs/configuration.md lists it: the intro line is the options class's summary.</summary>
internal sealed record ConfigurationSection(string Name, Type OptionsType, string Summary, IReadOnlyList<ConfigurationSetting> Settings);

/// <summary>
/// One setting. <see cref="Path"/> is the key inside the section; its placeholder segments stand for a list index
/// (<see cref="ConfigurationDocument.Index"/>) or a name the operator picks (<see cref="ConfigurationDocument.Name"/>).
/// </summary>
internal sealed record ConfigurationSetting(
    string Section,
    IReadOnlyList<string> Path,
    MemberInfo Member,
    string Type,
    string Default,
    IReadOnlyList<string> Rules,
    bool Secret,
    bool TakesOneValue,
    string Description = "")
{
    public string Key => Spell(":");

    public string EnvironmentVariable => Spell("__");

    /// <summary>The key as prose names it: without a trailing index or name (<c>Jira:ProjectSpaces</c>).</summary>
    public string Reference => ConfigurationDocument.Code(Section + ":" + string.Join(":", Path[^1] is ConfigurationDocument.Index or ConfigurationDocument.Name ? Path.Take(Path.Count - 1) : Path));

    /// <summary>Whether a configuration key (<c>Section:Key</c> form) is this setting: indexes and names match any value.</summary>
    public bool Matches(IReadOnlyList<string> key)
    {
        // A section may be nested (Jira:Api): its own parts come first.
        var section = Section.Split(':');
        if (key.Count < section.Length || !section.Zip(key).All(p => string.Equals(p.First, p.Second, StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        var path = key.Skip(section.Length).ToList();
        if (TakesOneValue && path.Count == Path.Count - 1 && Path[^1] is ConfigurationDocument.Index or ConfigurationDocument.Name)
        {
            path.Add(Path[^1] == ConfigurationDocument.Index ? "0" : "value");
        }

        return path.Count == Path.Count && path.Zip(Path).All(p => p.Second switch
        {
            ConfigurationDocument.Index => int.TryParse(p.First, NumberStyles.None, CultureInfo.InvariantCulture, out _),
            ConfigurationDocument.Name => p.First.Length > 0,
            _ => string.Equals(p.First, p.Second, StringComparison.OrdinalIgnoreCase),
        });
    }

    // Kibana:Url; Jira:Secrets:0, :1, …; Admin:Tokens:<name>.
    private string Spell(string separator)
    {
        var text = Section.Replace(":", separator, StringComparison.Ordinal) + separator + string.Join(separator, Path.Select(s => s == ConfigurationDocument.Index ? "0" : s));
        return ConfigurationDocument.Code(text) + (Path[^1] == ConfigurationDocument.Index ? $", {ConfigurationDocument.Code(separator + "1")}, …" : "");
    }
}

/// <summary>
/// Writes docs/configuration.md from the options classes of <see cref="AppOptions.All"/>: keys and types by reflection,
/// defaults from a new instance, rules from the data annotations, descriptions from the app's XML documentation file.
/// </summary>
internal static partial class ConfigurationDocument
{
    public const string RelativePath = "docs/configuration.md";
    public const string WriteVariable = "ASSIGNBRIDGE_WRITE_DOCS";
    public const string RegenerateCommand = WriteVariable + "=1 dotnet test tests/AssignBridge.Tests --filter ConfigurationDocs";

    /// <summary>The path segment of a list index (<c>:0</c>, <c>:1</c>…).</summary>
    public const string Index = "<index>";

    /// <summary>The path segment of a name the operator picks (a map key, a named token).</summary>
    public const string Name = "<name>";

    /// <summary>
    /// Settings read outside the sections (by the Functions host, ASP.NET Core, the Azure SDK and the telemetry set-up),
    /// with what they do. They are listed at the end of the document and are the only names the samples may use
    /// besides the sections' keys; a name matches itself and anything under it (<c>AzureWebJobsStorage__accountName</c>).
    /// </summary>
    public static readonly (string Name, string Meaning)[] HostSettings =
    [
        ("FUNCTIONS_WORKER_RUNTIME", "The Functions host's: the worker it starts (`dotnet-isolated`). Local runs only: on Flex Consumption the runtime is part of the app's configuration."),
        ("AzureWebJobsStorage", "The Functions host's storage (timer locks, the queue triggers): a connection string locally (`UseDevelopmentStorage=true`); on Azure `AzureWebJobsStorage__accountName` with `AzureWebJobsStorage__credential` = `managedidentity`. The same account as the `Storage` section."),
        ("APPLICATIONINSIGHTS_CONNECTION_STRING", "Exports traces, metrics and logs to Azure Monitor (Application Insights)."),
        ("APPLICATIONINSIGHTS_AUTHENTICATION_STRING", "`Authorization=AAD`: the Azure Monitor exporter signs in with the app's identity (`ClientId=…` picks a user-assigned one)."),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "Exports traces, metrics and logs to an OTLP collector."),
        ("AZURE_CLIENT_ID", "The user-assigned managed identity the app signs in with (`DefaultAzureCredential`: Key Vault, storage, Azure Monitor); unset, the system-assigned one."),
        ("ASPNETCORE_URLS", "Standalone only: where the app listens (or `--urls`); `http://127.0.0.1:7071` when unset. Under the Functions host the worker listens where the host says."),
        ("WEBSITE_SITE_NAME", "Set by the Azure platform, never by hand: the app takes it to mean it runs on Azure, and refuses `Kibana:ApiKey` there."),
        ("Logging", "ASP.NET Core's log levels (`Logging:LogLevel:<category>`), set in appsettings.json."),
        ("AllowedHosts", "ASP.NET Core's host filtering, set in appsettings.json."),
    ];

    private static readonly (string Label, string File)[] ConfigurationFiles =
    [
        ("appsettings.json", "src/AssignBridge/appsettings.json"),
        ("Development", "src/AssignBridge/appsettings.Development.json"),
    ];

    /// <summary>The folder that holds AssignBridge.sln, wherever the test host was started.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    public static IReadOnlyList<ConfigurationSection> Sections()
    {
        var docs = XmlDocumentation.Load(typeof(AppOptions).Assembly, typeof(CoreOptions).Assembly);
        var files = ConfigurationFiles
            .Select(f => (f.Label, Configuration: (IConfiguration)new ConfigurationBuilder().AddJsonFile(Path.Combine(RepositoryRoot, f.File), optional: false).Build()))
            .ToList();

        var sections = AppOptions.All.Select(entry => (entry, Settings: Walk(entry.SectionName, entry.OptionsType, Activator.CreateInstance(entry.OptionsType), [], files).ToList())).ToList();

        // A cref to a documented member reads as its key (`Jira:AutomationSecretHeader`), so the text names what to set.
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var setting in sections.SelectMany(s => s.Settings))
        {
            keys.TryAdd(XmlDocumentation.Id(setting.Member), setting.Reference);
        }

        return
        [
            .. sections.Select(s => new ConfigurationSection(
                s.entry.SectionName,
                s.entry.OptionsType,
                docs.Markdown(s.entry.OptionsType, keys),
                [.. s.Settings.Select(setting => setting with { Description = Describe(setting, docs, keys) })])),
        ];
    }

    public static string Render(IReadOnlyList<ConfigurationSection> sections)
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"""
            # Configuration

            <!-- Generated from the options classes by tests/AssignBridge.Tests/Docs; do not edit. Regenerate: {RegenerateCommand} -->

            Every section below is one options class (src/AssignBridge/Hosting/AppOptions.cs lists them). Settings
            come from `appsettings.json` (and `appsettings.Development.json` in Development), environment variables and
            the command line; on Azure they are the function app's app settings (infra/modules/appsettings.bicep). A
            key is spelled `Section:Key` in JSON files and on the command line (`--Kibana:Url=https://…`) and
            `Section__Key` in environment variables and app settings. A list takes one entry per index
            (`Jira__Secrets__0`, `Jira__Secrets__1`, …), a map one entry per name (`Jira__ProjectSpaces__SOC`).

            Every section is checked as the app starts, before it listens: a missing or invalid value stops it with a
            message naming the setting, all bad sections at once. *Rules* lists the checks the options classes declare
            on each setting; checks across settings are in the descriptions.

            **Secrets.** Settings marked *secret* are credentials, never logged. On Azure each is a Key Vault reference
            (`@Microsoft.KeyVault(SecretUri=…)`): the deployment (infra/main.bicep) stores the values of its
            `webhookSecrets` parameter (app setting name to value) and of `assignmentsToken` in the vault and sets the
            app settings to references. A reference that did not resolve stops the app at start-up, naming the setting.
            Locally they go in `local.settings.json` (copied from `local.settings.example.json`) or in environment
            variables.

            Sections: {string.Join(", ", sections.Select(s => $"[{s.Name}](#{s.Name.Replace(":", "", StringComparison.Ordinal).ToLowerInvariant()})"))}; and
            [settings outside the sections](#settings-outside-the-sections).

            """);

        foreach (var section in sections)
        {
            md.Append(CultureInfo.InvariantCulture, $"\n## {section.Name}\n\n{section.Summary}\n\n");
            md.Append("| Setting | Type | Default | Rules | Description |\n| --- | --- | --- | --- | --- |\n");
            foreach (var s in section.Settings)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {s.Key}<br>{s.EnvironmentVariable} | {s.Type} | {s.Default} | {string.Join("; ", s.Rules)} | {s.Description} |\n");
            }
        }

        md.Append("""

            ## Settings outside the sections

            Read by the Functions host, ASP.NET Core or the Azure SDK rather than bound to a section; the samples and
            the deployment set some of them.

            | Setting | Meaning |
            | --- | --- |

            """);
        foreach (var (name, meaning) in HostSettings)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {Code(name)} | {meaning} |\n");
        }

        return md.ToString();
    }

    /// <summary>Inline code, safe in a table cell.</summary>
    public static string Code(string text) => "`" + WhitespacePattern().Replace(text, " ").Trim().Replace("|", "\\|", StringComparison.Ordinal) + "`";

    /// <summary>Plain text, safe in a table cell: no pipe ends the cell, no angle bracket opens HTML.</summary>
    public static string Text(string text) => WhitespacePattern().Replace(text, " ")
        .Replace("|", "\\|", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    public static string Collapse(string text) => WhitespacePattern().Replace(text, " ").Trim();

    // Secret settings of the section first (constants marked [SecretSetting], read straight from configuration), then
    // the bound properties in the order the class declares them; nested options objects and lists of them are walked.
    private static IEnumerable<ConfigurationSetting> Walk(string section, Type type, object? instance, IReadOnlyList<string> prefix, IReadOnlyList<(string Label, IConfiguration Configuration)> files)
    {
        var unbound = type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.GetCustomAttribute<SecretSettingAttribute>() is not null)
            .OrderBy(f => f.MetadataToken);
        foreach (var field in unbound)
        {
            var shape = field.GetCustomAttribute<SecretSettingAttribute>()!.Shape;
            var key = (string)field.GetRawConstantValue()!;
            List<string> path = shape switch
            {
                SettingShape.List => [.. prefix, key, Index],
                SettingShape.Named => [.. prefix, key, Name],
                _ => [.. prefix, key],
            };
            var typeName = shape switch
            {
                SettingShape.List => "list of text (or one text)",
                SettingShape.Named => "text per name (or a list, or one text)",
                _ => "text",
            };
            yield return WithFileValues(new ConfigurationSetting(section, path, field, typeName, "(none)", ["secret"], Secret: true, TakesOneValue: shape != SettingShape.Value), files);
        }

        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.GetMethod?.IsPublic == true && (p.SetMethod?.IsPublic == true || IsMutableCollection(p.PropertyType)))
            .OrderBy(p => p.MetadataToken);
        foreach (var property in properties)
        {
            var value = instance is null ? null : property.GetValue(instance);
            var propertyType = property.PropertyType;
            var rules = Rules(property);
            var secret = property.GetCustomAttribute<SecretSettingAttribute>() is not null;
            if (secret)
            {
                rules.Add("secret");
            }

            if (IsScalar(propertyType))
            {
                yield return WithFileValues(new ConfigurationSetting(section, [.. prefix, property.Name], property, TypeName(propertyType), Default(value), rules, secret, TakesOneValue: false), files);
            }
            else if (DictionaryValueType(propertyType) is { } valueType)
            {
                if (IsScalar(valueType))
                {
                    yield return WithFileValues(new ConfigurationSetting(section, [.. prefix, property.Name, Name], property, $"map of {TypeName(valueType)}", Default(value), rules, secret, TakesOneValue: false), files);
                }
                else
                {
                    foreach (var nested in Walk(section, valueType, Activator.CreateInstance(valueType), [.. prefix, property.Name, Name], files))
                    {
                        yield return nested;
                    }
                }
            }
            else if (ElementType(propertyType) is { } elementType)
            {
                if (IsScalar(elementType))
                {
                    yield return WithFileValues(new ConfigurationSetting(section, [.. prefix, property.Name, Index], property, $"list of {TypeName(elementType)}", Default(value), rules, secret, TakesOneValue: false), files);
                }
                else
                {
                    foreach (var nested in Walk(section, elementType, Activator.CreateInstance(elementType), [.. prefix, property.Name, Index], files))
                    {
                        yield return nested;
                    }
                }
            }
            else
            {
                foreach (var nested in Walk(section, propertyType, value ?? Activator.CreateInstance(propertyType), [.. prefix, property.Name], files))
                {
                    yield return nested;
                }
            }
        }
    }

    // What appsettings.json and appsettings.Development.json set, after the class's default: they are part of what a run gets.
    private static ConfigurationSetting WithFileValues(ConfigurationSetting setting, IReadOnlyList<(string Label, IConfiguration Configuration)> files)
    {
        var text = setting.Default;
        foreach (var (label, configuration) in files)
        {
            var values = configuration.AsEnumerable()
                .Where(p => p.Value is not null && setting.Matches(p.Key.Split(':')))
                .OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => Code(p.Value!))
                .ToList();
            if (values.Count > 0)
            {
                text += $"; {label}: {string.Join(", ", values)}";
            }
        }

        return setting with { Default = text };
    }

    private static string Describe(ConfigurationSetting setting, XmlDocumentation docs, IReadOnlyDictionary<string, string> keys)
    {
        var text = docs.Markdown(setting.Member, keys);
        var type = setting.Member is PropertyInfo p ? Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType : null;
        if (type is { IsEnum: true })
        {
            // Each value with its own summary, so the choice is explained where it is made.
            var values = type.GetFields(BindingFlags.Public | BindingFlags.Static).OrderBy(f => f.MetadataToken)
                .Select(f => $"{Code(f.Name)}: {docs.Markdown(f, keys)}");
            text = string.Join(" ", [text, .. values]);
        }

        var shape = setting.Member.GetCustomAttribute<SecretSettingAttribute>() is { } secret && setting.Member is FieldInfo ? secret.Shape : (SettingShape?)null;
        var root = $"{setting.Section}__{string.Join("__", setting.Path.Take(setting.Path.Count - 1))}";
        return shape switch
        {
            SettingShape.List => $"{text} Several while rotating; one value in {Code(root)} works too.",
            SettingShape.Named => $"{text} Named ({Code(root + "__alice")}), listed ({Code(root + "__0")}) or one value in {Code(root)}; several while rotating.",
            _ => text,
        };
    }

    private static List<string> Rules(PropertyInfo property)
    {
        var rules = new List<string>();
        foreach (var attribute in property.GetCustomAttributes<ValidationAttribute>())
        {
            rules.Add(attribute switch
            {
                RequiredAttribute => "required",
                RangeAttribute range => $"{Number(range.Minimum)}–{Number(range.Maximum)}",
                RegularExpressionAttribute pattern => "matches " + Code(pattern.Pattern),
                StringLengthAttribute length => $"{length.MinimumLength}–{length.MaximumLength} characters",
                MinLengthAttribute length => $"at least {length.Length}",
                MaxLengthAttribute length => $"at most {length.Length}",
                _ => throw new InvalidOperationException($"{property.DeclaringType!.Name}.{property.Name}: no documented form for [{attribute.GetType().Name}]; add one to ConfigurationDocument.Rules."),
            });
        }

        return rules;
    }

    private static string Number(object value) => Convert.ToString(value, CultureInfo.InvariantCulture)!;

    private static string Default(object? value) => value switch
    {
        null => "(none)",
        string { Length: 0 } => "(empty)",
        string text => Code(text),
        bool flag => Code(flag ? "true" : "false"),
        Enum choice => Code(choice.ToString()),
        Uri uri => Code(uri.OriginalString),
        IFormattable formattable => Code(formattable.ToString(null, CultureInfo.InvariantCulture)),
        IDictionary map => map.Count == 0 ? "(empty)" : string.Join(", ", map.Keys.Cast<object>().Select(k => Code($"{k}={map[k]}")).Order(StringComparer.Ordinal)),
        IEnumerable items => items.Cast<object>().Select(i => Default(i)).ToList() is { Count: > 0 } list ? string.Join(", ", list) : "(empty)",
        _ => Code(value.ToString() ?? ""),
    };

    private static string TypeName(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum)
        {
            return "one of " + string.Join(", ", Enum.GetNames(type).Select(Code));
        }

        return type switch
        {
            _ when type == typeof(string) => "text",
            _ when type == typeof(bool) => "`true` or `false`",
            _ when type == typeof(int) || type == typeof(long) => "integer",
            _ when type == typeof(double) || type == typeof(decimal) => "number",
            _ when type == typeof(Uri) => "URL",
            _ when type == typeof(TimeSpan) => "time span (`hh:mm:ss`)",
            _ => throw new InvalidOperationException($"No documented form for settings of type {type}; add one to ConfigurationDocument.TypeName."),
        };
    }

    private static bool IsScalar(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(Uri) || type == typeof(TimeSpan);
    }

    private static bool IsMutableCollection(Type type) =>
        type.GetInterfaces().Any(i => i.IsGenericType && (i.GetGenericTypeDefinition() == typeof(ICollection<>) || i.GetGenericTypeDefinition() == typeof(IDictionary<,>)));

    private static Type? DictionaryValueType(Type type) =>
        type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && (i.GetGenericTypeDefinition() == typeof(IDictionary<,>) || i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>)))
            ?.GetGenericArguments()[1];

    private static Type? ElementType(Type type) => type == typeof(string) ? null
        : type.IsArray ? type.GetElementType()
        : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AssignBridge.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"Could not find AssignBridge.sln in '{AppContext.BaseDirectory}' or any folder above it; run the tests from inside the repository.");
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespacePattern();
}

/// <summary>The XML documentation files (GenerateDocumentationFile) of the app and its core, read as Markdown for table cells.</summary>
internal sealed class XmlDocumentation(IReadOnlyList<Assembly> assemblies, Dictionary<string, XElement> members)
{
    public static XmlDocumentation Load(params Assembly[] assemblies)
    {
        var members = new Dictionary<string, XElement>(StringComparer.Ordinal);
        foreach (var assembly in assemblies)
        {
            var path = Path.ChangeExtension(assembly.Location, ".xml");
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"No XML documentation file at {path}: the app and core projects must keep GenerateDocumentationFile on.");
            }

            foreach (var member in XDocument.Load(path).Descendants("member"))
            {
                members.TryAdd((string)member.Attribute("name")!, member);
            }
        }

        return new XmlDocumentation(assemblies, members);
    }

    /// <summary>The documentation id of a type, property or field (<c>P:AssignBridge.Kibana.KibanaOptions.Url</c>).</summary>
    public static string Id(MemberInfo member) => member switch
    {
        Type type => "T:" + TypeName(type),
        PropertyInfo property => "P:" + TypeName(property.DeclaringType!) + "." + property.Name,
        FieldInfo field => "F:" + TypeName(field.DeclaringType!) + "." + field.Name,
        _ => throw new ArgumentException($"No documentation id for {member.MemberType} members.", nameof(member)),
    };

    /// <summary>The member's summary as one line of Markdown; empty when it has none.</summary>
    public string Markdown(MemberInfo member, IReadOnlyDictionary<string, string> keys)
    {
        if (!members.TryGetValue(Id(member), out var docs) || docs.Element("summary") is not { } summary)
        {
            return "";
        }

        var md = new StringBuilder();
        Append(summary, md, keys);
        return ConfigurationDocument.Collapse(md.ToString());
    }

    private static string TypeName(Type type) => type.FullName!.Replace('+', '.');

    private void Append(XElement element, StringBuilder md, IReadOnlyDictionary<string, string> keys)
    {
        foreach (var node in element.Nodes())
        {
            switch (node)
            {
                case XText text:
                    md.Append(ConfigurationDocument.Text(text.Value));
                    break;
                case XElement { Name.LocalName: "c" } code:
                    md.Append(ConfigurationDocument.Code(code.Value));
                    break;
                case XElement { Name.LocalName: "see" or "seealso" } see when see.Attribute("cref") is { } cref:
                    md.Append(keys.TryGetValue(cref.Value, out var key) ? key : ConfigurationDocument.Code(Cref(cref.Value)));
                    break;
                case XElement { Name.LocalName: "see" } see when see.Attribute("langword") is { } word:
                    md.Append(ConfigurationDocument.Code(word.Value));
                    break;
                case XElement { Name.LocalName: "see" } see when see.Attribute("href") is { } href:
                    md.Append(CultureInfo.InvariantCulture, $"[{(see.Value.Length > 0 ? see.Value : href.Value)}]({href.Value})");
                    break;
                case XElement { Name.LocalName: "paramref" or "typeparamref" } reference:
                    md.Append(ConfigurationDocument.Code((string?)reference.Attribute("name") ?? ""));
                    break;
                case XElement other:
                    md.Append(' ');
                    Append(other, md, keys);
                    md.Append(' ');
                    break;
            }
        }
    }

    // A cref outside the settings: a string constant reads as its value (a scheme name), an enum value as its name, a
    // type as its name, anything else as Type.Member.
    private string Cref(string cref)
    {
        var name = cref[2..];
        var parameters = name.IndexOf('(', StringComparison.Ordinal);
        name = parameters >= 0 ? name[..parameters] : name;
        var dot = name.LastIndexOf('.');
        if (cref.StartsWith("F:", StringComparison.Ordinal) && FindType(name[..dot]) is { } owner && owner.GetField(name[(dot + 1)..], BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static) is { } field)
        {
            if (field.IsLiteral && field.GetRawConstantValue() is string value)
            {
                return value;
            }

            if (owner.IsEnum)
            {
                return field.Name;
            }
        }

        if (cref.StartsWith("T:", StringComparison.Ordinal))
        {
            return name[(dot + 1)..];
        }

        var owning = name[..dot];
        return owning[(owning.LastIndexOf('.') + 1)..] + name[dot..];
    }

    // Doc ids spell nested types with '.', reflection with '+': try each split from the right.
    private Type? FindType(string name)
    {
        for (var candidate = name; ;)
        {
            if (assemblies.Select(a => a.GetType(candidate)).FirstOrDefault(t => t is not null) is { } type)
            {
                return type;
            }

            var dot = candidate.LastIndexOf('.');
            if (dot < 0)
            {
                return null;
            }

            candidate = candidate[..dot] + "+" + candidate[(dot + 1)..];
        }
    }
}

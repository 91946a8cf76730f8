using AssignBridge.Hosting;
using AssignBridge.Kibana;
using AssignBridge.Notifications;
using AssignBridge.People;
using AssignBridge.Platform.Queues;
using AssignBridge.Platform.Storage;
using AssignBridge.Platform.Telemetry;
using AssignBridge.Reconciliation;
using AssignBridge.Sources.Jira;
using AssignBridge.Sources.ServiceNow;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AssignBridge.Tests;

/// <summary>The generated validators apply both the data annotations and IValidatableObject, as ValidateDataAnnotations did.</summary>
public sealed class OptionsValidatorsTests
{
    [Fact]
    public void Kibana_MissingUrl_FailsNamingTheSetting()
    {
        var result = new KibanaOptionsValidator().Validate(null, new KibanaOptions());

        Assert.True(result.Failed);
        Assert.Contains("Kibana:Url", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Kibana_BadSpaceAndRange_BothReported()
    {
        var result = new KibanaOptionsValidator().Validate(null, new KibanaOptions { Url = new Uri("http://k/"), DefaultSpace = "Not A Space", MaxIdsPerRequest = 0 });

        Assert.True(result.Failed);
        Assert.Contains("Kibana:DefaultSpace", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("MaxIdsPerRequest", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void People_DefaultUidPolicyWithoutUid_Fails()
    {
        var result = new PeopleOptionsValidator().Validate(null, new PeopleOptions { UnmappedPolicy = UnmappedPolicy.DefaultUid });

        Assert.True(result.Failed);
        Assert.Contains("People:DefaultUid", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Storage_BothOrNeither_Fails()
    {
        Assert.True(new StorageOptionsValidator().Validate(null, new StorageOptions()).Failed);
        Assert.True(new StorageOptionsValidator().Validate(null, new StorageOptions { ConnectionString = "UseDevelopmentStorage=true", TableServiceUri = new Uri("https://a.table.core.windows.net/") }).Failed);
        Assert.True(new StorageOptionsValidator().Validate(null, new StorageOptions { ConnectionString = "UseDevelopmentStorage=true" }).Succeeded);
    }

    [Fact]
    public void Reconcile_NotNcrontab_Fails()
    {
        var result = new ReconcileOptionsValidator().Validate(null, new ReconcileOptions { Schedule = "every five minutes" });

        Assert.True(result.Failed);
        Assert.Contains("Reconcile:Schedule", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Jira_BadSpaceOrPattern_FailsNamingTheSetting()
    {
        var options = new JiraOptions { DefaultSpace = "Not A Space", AlertPattern = "(unclosed" };
        options.ProjectSpaces["SOC"] = "soc";

        var result = new JiraOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Jira:DefaultSpace", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Jira:AlertPattern", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new JiraOptionsValidator().Validate(null, new JiraOptions { DefaultSpace = "soc", AlertPattern = "SOC-(?<id>[a-f0-9]+)" }).Succeeded);
    }

    [Fact]
    public void ServiceNow_BadSpace_FailsNamingTheSetting()
    {
        var result = new ServiceNowOptionsValidator().Validate(null, new ServiceNowOptions { DefaultSpace = "EMEA SOC" });

        Assert.True(result.Failed);
        Assert.Contains("ServiceNow:DefaultSpace", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Deliveries")]
    [InlineData("ab")]
    [InlineData("double--hyphen")]
    [InlineData("-leading")]
    public void Queue_NameNotALegalQueueName_FailsNamingTheSetting(string name)
    {
        var result = new QueueOptionsValidator().Validate(null, new AssignBridge.Platform.Queues.QueueOptions { Name = name });

        Assert.True(result.Failed);
        Assert.Contains("Queue:Name", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Storage_TableEndpointWithoutQueueEndpoint_FailsNamingTheSetting()
    {
        var result = new StorageOptionsValidator().Validate(null, new StorageOptions { TableServiceUri = new Uri("https://account.table.core.windows.net/") });

        Assert.True(result.Failed);
        Assert.Contains("Storage:QueueServiceUri", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new StorageOptionsValidator().Validate(null, new StorageOptions
        {
            TableServiceUri = new Uri("https://account.table.core.windows.net/"),
            QueueServiceUri = new Uri("https://account.queue.core.windows.net/"),
        }).Succeeded);
    }

    [Fact]
    public void StartupCheck_CoversEveryGeneratedValidator()
    {
        var generated = typeof(StartupOptionsCheck).Assembly.GetTypes().Concat(typeof(CoreOptions).Assembly.GetTypes())
            .Where(t => t.IsDefined(typeof(OptionsValidatorAttribute), inherit: false))
            .Select(t => t.GetInterfaces().Single(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IValidateOptions<>)).GetGenericArguments()[0])
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .ToList();

        var checkedTypes = StartupOptionsCheck.Check(Configuration(("Kibana:Url", "http://kibana/"), ("Storage:ConnectionString", "UseDevelopmentStorage=true")));

        Assert.Equal(19, generated.Count); // TelemetryOptions' validator is hand-written (nothing to annotate)
        Assert.Equal(generated.Append(typeof(TelemetryOptions)).OrderBy(t => t.FullName, StringComparer.Ordinal), checkedTypes.OrderBy(t => t.FullName, StringComparer.Ordinal));
    }

    [Fact]
    public void StartupCheck_SeveralBadSections_ReportsEachNamingItsSetting()
    {
        var exception = Assert.Throws<AggregateException>(() => StartupOptionsCheck.Check(Configuration(
            ("Storage:ConnectionString", "UseDevelopmentStorage=true"), ("Jira:AlertPattern", "(unclosed"))));

        var failures = exception.InnerExceptions.Cast<OptionsValidationException>().ToList();
        Assert.Equal([typeof(JiraOptions), typeof(KibanaOptions)], failures.Select(f => f.OptionsType).OrderBy(t => t.Name, StringComparer.Ordinal));
        Assert.Contains(failures, f => f.Message.Contains("Kibana:Url", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Message.Contains("Jira:AlertPattern", StringComparison.Ordinal));
    }

    [Fact]
    public void StartupCheck_BindsLikeTheOptionsPattern_ValuesGivenDefaultsKept()
    {
        var bad = Assert.Throws<OptionsValidationException>(() => StartupOptionsCheck.Check(Configuration(
            ("Kibana:Url", "http://kibana/"), ("Kibana:MaxIdsPerRequest", "0"), ("Storage:ConnectionString", "UseDevelopmentStorage=true"))));

        Assert.Equal(typeof(KibanaOptions), bad.OptionsType);
        Assert.Contains("MaxIdsPerRequest", bad.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Kibana:Url", bad.Message, StringComparison.Ordinal); // the URL given was bound
    }

    [Fact]
    public void AppOptions_ListsEveryOptionsClassOnce()
    {
        var sections = typeof(AppOptions).Assembly.GetTypes().Concat(typeof(CoreOptions).Assembly.GetTypes())
            .Where(t => t.Name.EndsWith("Options", StringComparison.Ordinal) && t.GetField("SectionName") is { IsLiteral: true })
            .ToDictionary(t => t, t => (string)t.GetField("SectionName")!.GetRawConstantValue()!);

        Assert.Contains(typeof(NotificationOptions), sections.Keys);
        Assert.Contains(typeof(TelemetryOptions), sections.Keys);
        Assert.Equal(sections.Keys.OrderBy(t => t.FullName, StringComparer.Ordinal), AppOptions.All.Select(e => e.OptionsType).OrderBy(t => t.FullName, StringComparer.Ordinal));
        Assert.All(AppOptions.All, entry => Assert.Equal(sections[entry.OptionsType], entry.SectionName));
        Assert.Equal(AppOptions.All.Count, AppOptions.All.Select(e => e.SectionName).Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void AppOptions_RegistersBindingAndValidatorForEachSection()
    {
        var services = new ServiceCollection();
        services.AddSingleton(Configuration(("Notifications:MaxLinks", "3"), ("Telemetry:StartupCheck", "false"), ("Notifications:SlackWebhookUrl", "http://hooks.example.com/x")));
        services.AddCoreOptions();
        services.AddAppOptions();
        using var provider = services.BuildServiceProvider();

        Assert.False(provider.GetRequiredService<IOptions<TelemetryOptions>>().Value.StartupCheck);
        var bad = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<NotificationOptions>>().Value);
        Assert.Contains("Notifications:SlackWebhookUrl", bad.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hooks.example.com", bad.Message, StringComparison.Ordinal); // a webhook URL is a credential
        Assert.All(AppOptions.All, entry => Assert.NotEmpty(provider.GetServices(typeof(IValidateOptions<>).MakeGenericType(entry.OptionsType))));
    }

    [Theory]
    [InlineData("https://hooks.slack.com/services/T/B/x", true)]
    [InlineData("http://127.0.0.1:8080/hook", true)] // a local receiver
    [InlineData("http://hooks.slack.com/services/T/B/x", false)]
    [InlineData("ftp://hooks.slack.com/x", false)]
    [InlineData("/services/T/B/x", false)]
    public void Notifications_WebhookUrls_AbsoluteHttpsOnly(string url, bool valid)
    {
        var uri = new Uri(url, UriKind.RelativeOrAbsolute);

        var slack = new NotificationOptionsValidator().Validate(null, new NotificationOptions { SlackWebhookUrl = uri });
        var teams = new NotificationOptionsValidator().Validate(null, new NotificationOptions { TeamsWebhookUrl = uri });

        Assert.Equal(valid, slack.Succeeded);
        Assert.Equal(valid, teams.Succeeded);
        if (!valid)
        {
            Assert.Contains("Notifications:SlackWebhookUrl", slack.FailureMessage, StringComparison.Ordinal);
            Assert.Contains("Notifications:TeamsWebhookUrl", teams.FailureMessage, StringComparison.Ordinal);
            Assert.DoesNotContain("services", slack.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Notifications_MaxLinksAndPublicUrl_Checked()
    {
        Assert.True(new NotificationOptionsValidator().Validate(null, new NotificationOptions()).Succeeded);
        Assert.Contains("MaxLinks", new NotificationOptionsValidator().Validate(null, new NotificationOptions { MaxLinks = 0 }).FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Notifications:KibanaPublicUrl", new NotificationOptionsValidator().Validate(null, new NotificationOptions { KibanaPublicUrl = new Uri("/kibana", UriKind.Relative) }).FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void StartupCheck_BadNotificationsSection_StopsNamingTheSetting()
    {
        var bad = Assert.Throws<OptionsValidationException>(() => StartupOptionsCheck.Check(Configuration(
            ("Kibana:Url", "http://kibana/"), ("Storage:ConnectionString", "UseDevelopmentStorage=true"), ("Notifications:TeamsWebhookUrl", "http://example.webhook.office.com/secret-path"))));

        Assert.Equal(typeof(NotificationOptions), bad.OptionsType);
        Assert.Contains("Notifications:TeamsWebhookUrl", bad.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-path", bad.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
}

using AssignBridge.Platform.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AssignBridge.Tests;

/// <summary>The Azure Monitor settings: validated by the exporter at start-up, reported naming the setting, never echoing the value.</summary>
public sealed class AzureMonitorSettingsTests
{
    [Theory]
    [InlineData("not-a-connection-string-s3cr3t")]
    [InlineData("InstrumentationKey=;IngestionEndpoint=https://s3cr3t.example/")]
    [InlineData("IngestionEndpoint=https://s3cr3t.example/")]
    [InlineData("InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=not a uri s3cr3t")]
    public void BadConnectionString_StartupErrorNamesTheSettingOnly(string value)
    {
        var exception = Assert.Throws<InvalidOperationException>(() => Register((TelemetryExtensions.AzureMonitorSetting, value)));

        Assert.Contains("APPLICATIONINSIGHTS_CONNECTION_STRING", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", exception.Message, StringComparison.Ordinal);
        Assert.Null(exception.InnerException); // the exporter's own message quotes the value
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Authorization=AAD")]
    [InlineData("Authorization=AAD;ClientId=00000000-0000-0000-0000-000000000001")]
    public void GoodConnectionString_Registered(string? authentication)
    {
        var services = Register(
            (TelemetryExtensions.AzureMonitorSetting, "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://127.0.0.1:9/"),
            (TelemetryExtensions.AzureMonitorAuthenticationSetting, authentication));

        Assert.Contains(services, d => d.ServiceType.FullName == "OpenTelemetry.Trace.TracerProvider");
    }

    [Fact]
    public void BadAuthenticationString_StartupErrorNamesTheSetting()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => Register(
            (TelemetryExtensions.AzureMonitorSetting, "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://127.0.0.1:9/"),
            (TelemetryExtensions.AzureMonitorAuthenticationSetting, "Authorization=AAD;ClientId")));

        Assert.Contains("APPLICATIONINSIGHTS_AUTHENTICATION_STRING", exception.Message, StringComparison.Ordinal);
    }

    private static ServiceCollection Register(params (string Key, string? Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
        var services = new ServiceCollection();
        services.AddAssignBridgeTelemetry(configuration);
        return services;
    }
}

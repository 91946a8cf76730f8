using AssignBridge.Hosting;
using AssignBridge.Kibana;
using AssignBridge.People;
using AssignBridge.Reconciliation;

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
}

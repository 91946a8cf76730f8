using AssignBridge.Sources.Jira;
using Microsoft.Extensions.Configuration;

namespace AssignBridge.Tests.Sources;

public sealed class SourceOptionsTests
{
    [Fact]
    public void JiraOptions_ProjectSpacesFromEnvironmentStyleKeys_MatchedWithoutRegardToCase()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Jira:ProjectSpaces:soc"] = "soc",
            ["Jira:AlertField"] = "customfield_10050",
        }).Build();

        var options = configuration.GetSection(JiraOptions.SectionName).Get<JiraOptions>()!;

        Assert.Equal("soc", options.ProjectSpaces["SOC"]);
        Assert.Equal("customfield_10050", options.AlertField);
        Assert.Equal("kibana-alert:", options.AlertLabelPrefix);
    }
}

using AssignBridge.Platform.Storage;
using AssignBridge.Platform.Validation;








namespace AssignBridge.Tests.Validation;

public sealed class InputRulesTests
{
    // Kibana's rule, from its spaces plugin (x-pack/platform/plugins/shared/spaces/server/lib/space_schema.ts):
    // SPACE_ID_REGEX = /^[a-z0-9_\-]+$/, "must be lower case, a-z, 0-9, '_', and '-' are allowed"; no maximum length
    // there, so the bridge's bound of 100 applies on top.
    [Theory]
    [InlineData("default")]
    [InlineData("soc-team_2")]
    [InlineData("0")]
    public void SpaceId_KibanaSpaceSchemaRegex_Accepted(string space)
    {
        Assert.Null(InputRules.SpaceId("space", space));
    }

    [Theory]
    [InlineData("Soc", "lower case, a-z, 0-9, '_', and '-' are allowed")]
    [InlineData("soc team", "lower case, a-z, 0-9, '_', and '-' are allowed")]
    [InlineData("soc/emea", "lower case, a-z, 0-9, '_', and '-' are allowed")]
    [InlineData("soc.emea", "lower case, a-z, 0-9, '_', and '-' are allowed")]
    [InlineData("", "is missing")]
    [InlineData(null, "is missing")]
    public void SpaceId_KibanaSpaceSchemaRegex_RefusedNamingTheField(string? space, string fragment)
    {
        var problem = InputRules.SpaceId("alertIds[2].space", space);

        Assert.NotNull(problem);
        Assert.StartsWith("alertIds[2].space ", problem, StringComparison.Ordinal);
        Assert.Contains(fragment, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void SpaceId_OverTheBridgesBound_RefusedWithTheLength()
    {
        Assert.Null(InputRules.SpaceId("space", new string('a', InputRules.MaxSpaceIdLength)));

        var problem = InputRules.SpaceId("space", new string('a', InputRules.MaxSpaceIdLength + 1));

        Assert.Equal("space is 101 characters long; a Kibana space id here has at most 100", problem);
    }

    [Fact]
    public void SpaceIdPattern_SameRuleAsSpaceId()
    {
        var pattern = new System.Text.RegularExpressions.Regex(InputRules.SpaceIdPattern);
        foreach (var space in new[] { "default", "soc-team_2", "Soc", "", new string('a', 100), new string('a', 101) })
        {
            Assert.Equal(InputRules.SpaceId("space", space) is null, pattern.IsMatch(space));
        }
    }

    [Theory]
    [InlineData("", "alertIds[0] is missing")]
    [InlineData("   ", "alertIds[0] is only whitespace")]
    [InlineData("a\u0000b", "alertIds[0] holds control characters")]
    [InlineData(" a1", "alertIds[0] has surrounding spaces")]
    public void AlertId_KibanaNonEmptyStringAndTheBridgesBounds_Refused(string id, string fragment)
    {
        Assert.Contains(fragment, InputRules.AlertId("alertIds[0]", id), StringComparison.Ordinal);
    }

    [Fact]
    public void AlertId_Length_AtMost512()
    {
        Assert.Null(InputRules.AlertId("id", new string('f', 512)));
        Assert.Equal("id is longer than 512 characters", InputRules.AlertId("id", new string('f', 513)));
        Assert.Null(InputRules.AlertId("id", "8f3c0b2e1d4a5f6e7c8b9a0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f"));
    }

    [Theory]
    [InlineData("alice@example.com")]
    [InlineData("a.b+tag@sub.example.org")]
    [InlineData("root@localhost")]
    public void Email_OneAtWithTextEitherSide_Accepted(string email)
    {
        Assert.True(InputRules.IsEmail(email));
    }

    [Theory]
    [InlineData("nope")]
    [InlineData("@example.com")]
    [InlineData("alice@")]
    [InlineData("a@b@c")]
    [InlineData("al ice@example.com")]
    [InlineData("<alice@example.com>")]
    [InlineData("")]
    public void Email_NotAnAddress_RefusedNamingTheField(string email)
    {
        Assert.Contains("add[0].email", InputRules.Email("add[0].email", email), StringComparison.Ordinal);
    }

    [Fact]
    public void Email_LongerThanAnSmtpPath_Refused()
    {
        var email = new string('a', 250) + "@b.co";

        Assert.Equal("email is longer than 254 characters", InputRules.Email("email", email));
    }

    [Fact]
    public void ExternalId_MustFitATableKeyOnceEncoded()
    {
        Assert.Null(InputRules.ExternalId("external id", new string('a', RowKeys.MaxLength)));
        Assert.Null(InputRules.ExternalId("external id", new string('/', RowKeys.MaxLength / 3)));

        var problem = InputRules.ExternalId("external id", new string('/', (RowKeys.MaxLength / 3) + 1));

        Assert.Equal("external id is too long for a table key (513 characters encoded, at most 512)", problem);
        Assert.Equal(RowKeys.Encode("a/b%c").Length, RowKeys.EncodedLength("a/b%c"));
    }

    [Theory]
    [InlineData("U024BE7LH\u0007")]
    [InlineData("")]
    [InlineData(" 5b10")]
    public void ExternalId_NotASingleLineId_Refused(string id)
    {
        Assert.StartsWith("external id ", InputRules.ExternalId("external id", id), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Ann Analyst")]
    [InlineData("two\nlines")]
    public void DisplayText_BlankOrPrintable_Accepted(string? name)
    {
        Assert.Null(InputRules.DisplayText("display name", name));
    }

    [Fact]
    public void DisplayText_ControlCharactersOrTooLong_Refused()
    {
        Assert.Equal("display name holds control characters", InputRules.DisplayText("display name", "Ann\u001b[31m"));
        Assert.Null(InputRules.DisplayText("display name", new string('n', 1_024)));
        Assert.Equal("display name is longer than 1024 characters", InputRules.DisplayText("display name", new string('n', 1_025)));
    }
}

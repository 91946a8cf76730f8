using System.Text;
using AssignBridge.People;

namespace AssignBridge.Tests;

public sealed class PeopleFileTests
{
    [Fact]
    public void ReadCsv_QuotedFieldsWithCommasQuotesAndNewlines_KeptVerbatim()
    {
        var csv = "namespace,externalId,email,kibanaUid,displayName\n" +
                  "jira,\"id,with,commas\",,u_1,\"Doe, \"\"JD\"\" John\"\n" +
                  "slack,U1,,u_2,\"two\nlines\"\n" +
                  "teams,T1,,u_3,after\n";

        var file = PeopleFile.ReadCsv(csv);

        Assert.Empty(file.Invalid);
        Assert.Equal(3, file.Mappings.Count);
        Assert.Equal("id,with,commas", file.Mappings[0].ExternalId);
        Assert.Equal("Doe, \"JD\" John", file.Mappings[0].DisplayName);
        Assert.Equal("two\nlines", file.Mappings[1].DisplayName);
        Assert.Equal("line 5", file.Mappings[2].Location); // the record after a two-line field starts on line 5
    }

    [Fact]
    public void ReadCsv_BomCrlfAndEmptyLines_ReadLikePlainText()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("namespace,externalId,email,kibanaUid,displayName\r\n\r\njira,A1,,u_1,Ann\r\n\r\n   \r\nslack,S1,,u_2,Sam\r\n")).ToArray();

        var file = PeopleFile.Read(bytes, PeopleFile.GuessFormat("people.csv", bytes));

        Assert.Empty(file.Invalid);
        Assert.Equal(["A1", "S1"], file.Mappings.Select(m => m.ExternalId));
        Assert.Equal("Ann", file.Mappings[0].DisplayName);
        Assert.Equal("line 3", file.Mappings[0].Location);
        Assert.Equal("line 6", file.Mappings[1].Location);
    }

    [Fact]
    public void ReadCsv_TabsLoneCrAndTextAfterAClosingQuote_ReadAsWritten()
    {
        var file = PeopleFile.ReadCsv("jira,A1,,\"u_1\nB\",Ann\rslack,\t S1 \t,,u_2, \"Sam \" x\n");

        Assert.Equal("line 1", Assert.Single(file.Invalid).Location); // a record over two lines starts on the first
        var mapping = Assert.Single(file.Mappings);
        Assert.Equal(("S1", "Sam  x", "line 3"), (mapping.ExternalId, mapping.DisplayName, mapping.Location));
    }

    [Fact]
    public void ReadCsv_NoHeader_UsesDefaultColumnOrder()
    {
        var file = PeopleFile.ReadCsv("jira,A1,ann@example.com,u_1,Ann");

        Assert.Empty(file.Invalid);
        Assert.Equal(2, file.Mappings.Count);
        Assert.Contains(file.Mappings, m => m is { Namespace: "email", ExternalId: "ann@example.com", KibanaUid: "u_1" });
    }

    [Fact]
    public void ReadCsv_HeaderInOtherOrder_ColumnsFoundByName()
    {
        var file = PeopleFile.ReadCsv("Kibana UID,Display Name,Namespace,External ID\nu_1,Ann,jira,A1\n");

        var mapping = Assert.Single(file.Mappings);
        Assert.Equal(("jira", "A1", "u_1", "Ann"), (mapping.Namespace, mapping.ExternalId, mapping.KibanaUid, mapping.DisplayName));
    }

    [Fact]
    public void ReadCsv_EmailOnOtherNamespace_AlsoYieldsNormalizedEmailRow()
    {
        var file = PeopleFile.ReadCsv("namespace,externalId,email,kibanaUid,displayName\njira,A1, Ann@Example.COM ,u_1,Ann\n");

        Assert.Equal(2, file.Mappings.Count);
        Assert.Contains(file.Mappings, m => m is { Namespace: "email", ExternalId: "ann@example.com", KibanaUid: "u_1", DisplayName: "Ann" });
    }

    [Fact]
    public void ReadCsv_DuplicateRows_CountedOnceAndConflictsInvalid()
    {
        var file = PeopleFile.ReadCsv("jira,A1,,u_1,Ann\njira,A1,,u_1,Ann\njira,A1,,u_2,Other\n");

        Assert.Single(file.Mappings);
        Assert.Equal(1, file.Duplicates);
        var invalid = Assert.Single(file.Invalid);
        Assert.Equal("line 3", invalid.Location);
        Assert.Contains("line 1", invalid.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bitbucket,A1,,u_1,", "unknown namespace 'bitbucket'")]
    [InlineData("jira,A1,,,", "Kibana UID is missing")]
    [InlineData("jira,A1,,\"   \",", "Kibana UID is only whitespace")]
    [InlineData("jira,A1,,\"u_1\u0007\",", "Kibana UID holds control characters")]
    [InlineData("jira,A1,,\" u_1\",", "Kibana UID has surrounding spaces")]
    [InlineData("jira,,,u_1,", "external id is missing")]
    [InlineData(",A1,,u_1,", "namespace is missing")]
    [InlineData("email,not-an-email,,u_1,", "is not an email address")]
    [InlineData("jira,A1,nope,u_1,", "email: 'nope' is not an email address")]
    [InlineData("jira,A1,,u_1,\"Ann\u001b[31m\"", "display name holds control characters")]
    public void ReadCsv_InvalidRow_ReportedWithLineNumber(string row, string problem)
    {
        var file = PeopleFile.ReadCsv("namespace,externalId,email,kibanaUid,displayName\njira,OK,,u_ok,\n" + row + "\n");

        Assert.Single(file.Mappings);
        var invalid = Assert.Single(file.Invalid);
        Assert.Equal("line 3", invalid.Location);
        Assert.Contains(problem, invalid.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadCsv_FiftyThousandRows_AllRead()
    {
        var text = new StringBuilder("namespace,externalId,email,kibanaUid,displayName\n");
        for (var i = 0; i < 50_000; i++)
        {
            text.Append("jira,acct-").Append(i).Append(",,u_").Append(i).Append("_0,\"Person ").Append(i).Append("\"\r\n");
        }

        var file = PeopleFile.ReadCsv(text.ToString());

        Assert.Empty(file.Invalid);
        Assert.Equal(50_000, file.Mappings.Count);
        Assert.Equal("line 50001", file.Mappings[^1].Location);
    }

    [Fact]
    public void ReadJson_SampleShapeWithEmail_ReadWithItemNumbers()
    {
        var json = """
            [
              { "namespace": "jira", "externalId": "A1", "kibanaUid": "u_1", "displayName": "Ann", "email": "ann@example.com" },
              { "namespace": "nope", "externalId": "X", "kibanaUid": "u_2" }
            ]
            """u8.ToArray();

        var file = PeopleFile.Read(json, PeopleFile.GuessFormat("people.txt", json));

        Assert.Equal(2, file.Mappings.Count);
        Assert.Equal("item 2", Assert.Single(file.Invalid).Location);
    }

    [Fact]
    public void ReadJson_NotAnArray_OneInvalidEntryNamingTheLine()
    {
        var file = PeopleFile.ReadJson("{\n \"namespace\": 1 }"u8);

        Assert.Empty(file.Mappings);
        Assert.StartsWith("line", Assert.Single(file.Invalid).Location, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("jira:5b10", "jira", "5b10")]
    [InlineData("Alice@Example.com", "email", "alice@example.com")]
    [InlineData("email:Alice@Example.com", "email", "alice@example.com")]
    [InlineData("jira-dc:a:b", "jira-dc", "a:b")]
    public void ParseKey_Forms_NamespaceAndId(string text, string ns, string id)
    {
        Assert.Equal((ns, id, null), PeopleStore.ParseKey(text));
    }

    [Fact]
    public void ParseKey_UnknownNamespace_Problem()
    {
        Assert.NotNull(PeopleStore.ParseKey("github:octocat").Problem);
    }
}

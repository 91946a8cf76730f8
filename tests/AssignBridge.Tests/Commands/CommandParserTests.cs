using AssignBridge.Commands.Slack;
using AssignBridge.Commands.Teams;
using AssignBridge.Commands;
using AssignBridge.People;








namespace AssignBridge.Tests;

public sealed class CommandParserTests
{
    private static readonly ChatPerson Caller = new(new PersonRef("slack", "UCALLER"), "you");
    private readonly CommandParser _parser = new(new CommandsOptions());

    private ChatCommand Parse(string text, CommandVerb verb = CommandVerb.Assign)
    {
        var parse = _parser.Parse(SlackText.Tokenize(text, "T1", scopeByTeam: false), verb, Caller);
        Assert.True(parse.Command is not null, string.Join(" | ", parse.Problems));
        return parse.Command!;
    }

    private IReadOnlyList<string> Problems(string text)
    {
        var parse = _parser.Parse(SlackText.Tokenize(text, "T1", scopeByTeam: false), CommandVerb.Assign, Caller);
        Assert.Null(parse.Command);
        return parse.Problems;
    }

    [Fact]
    public void Parse_IdThenEscapedMention_AssignsSlackUser()
    {
        var command = Parse("abc123 to <@U024BE7LH|bob>");

        Assert.Equal(CommandVerb.Assign, command.Verb);
        Assert.Equal(["abc123"], command.AlertIds);
        Assert.Equal(new PersonRef("slack", "U024BE7LH"), Assert.Single(command.People).Person);
        Assert.Equal("@bob", command.People[0].Display);
        Assert.Null(command.Space);
    }

    [Fact]
    public void Parse_PeopleBeforeIdsAndInterleaved_SameCommand()
    {
        var a = Parse("<@U1|a> id-1 <@U2> id-2");
        var b = Parse("id-1 id-2 to <@U1|a> <@U2>");

        Assert.Equal(b.AlertIds, a.AlertIds);
        Assert.Equal(b.People.Select(p => p.Person), a.People.Select(p => p.Person));
        Assert.Equal(["id-1", "id-2"], a.AlertIds);
    }

    [Fact]
    public void Parse_SeveralIdsAndPeopleWithDuplicates_Deduplicated()
    {
        var command = Parse("a1, a2 a1 to <@U1|x> and <@U2|y> <@U1|x> alice@example.com");

        Assert.Equal(["a1", "a2"], command.AlertIds);
        Assert.Equal(["slack:U1", "slack:U2", "email:alice@example.com"], command.People.Select(p => p.Person.ToString()));
    }

    [Fact]
    public void Parse_Me_IsTheCaller()
    {
        var command = Parse("f00d me");

        Assert.Equal(Caller, Assert.Single(command.People));
    }

    [Fact]
    public void Parse_InSpace_SetsSpace()
    {
        var command = Parse("abc <@U1> in soc-emea");

        Assert.Equal("soc-emea", command.Space);
    }

    [Theory]
    [InlineData("abc <@U1> in")]
    [InlineData("abc <@U1> in SOC!")]
    public void Parse_InWithoutValidSpace_SaysWhatASpaceIs(string text)
    {
        Assert.Contains(Problems(text), p => p.Contains("Kibana space id", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_SpaceOverTheLimit_RefusedAtParseWithTheLimit()
    {
        var problem = Assert.Single(Problems($"alert-1 me in {new string('s', 101)}"));

        Assert.Contains("101 characters long", problem, StringComparison.Ordinal);
        Assert.Contains("Kibana space id has at most 100", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AlertIdOverTheLimit_RefusedNamingTheAlertId()
    {
        var problem = Assert.Single(Problems($"{new string('f', 513)} me"));

        Assert.Contains("alert id is longer than 512 characters", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TwoSpaces_Refused()
    {
        Assert.Contains(Problems("abc <@U1> in soc in emea"), p => p.Contains("one space", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("help")]
    [InlineData("  HELP ")]
    [InlineData("--help")]
    public void Parse_HelpOrNothing_Help(string text)
    {
        Assert.Equal(CommandVerb.Help, Parse(text).Verb);
    }

    [Fact]
    public void Parse_LeadingVerb_OverridesTheCommandsVerb()
    {
        Assert.Equal(CommandVerb.Unassign, Parse("unassign abc <@U1>").Verb);
        Assert.Equal(CommandVerb.Unassign, Parse("abc <@U1>", CommandVerb.Unassign).Verb);
    }

    [Fact]
    public void Parse_PlainAtName_RefusedWithAdvice()
    {
        var problems = Problems("abc @bob");

        Assert.Contains(problems, p => p.Contains("`@bob`", StringComparison.Ordinal) && p.Contains("email", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_AtEmail_IsAnEmail()
    {
        Assert.Equal("email:bob@example.com", Assert.Single(Parse("abc @Bob@Example.com").People).Person.ToString());
    }

    [Fact]
    public void Parse_SlackEscapedMailtoAndUid_People()
    {
        var command = Parse("abc <mailto:carol@example.com|carol@example.com> uid:u_dave_0");

        Assert.Equal(["email:carol@example.com", "uid:u_dave_0"], command.People.Select(p => p.Person.ToString()));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("to me")]
    [InlineData("!!! <@U1>")]
    [InlineData("abc <@U1> <#C123|general>")]
    [InlineData("abc &lt;script&gt; <@U1>")]
    public void Parse_Garbage_ProblemsNotACommand(string text)
    {
        Assert.NotEmpty(Problems(text));
    }

    [Fact]
    public void Parse_ControlCharacters_ShownSafely()
    {
        var problem = Assert.Single(Problems("abc\u0007x <@U1>"));

        Assert.DoesNotContain('\u0007', problem);
    }

    [Fact]
    public void Parse_TooManyIds_Refused()
    {
        var text = string.Join(' ', Enumerable.Range(0, 101).Select(i => $"id{i}")) + " me";

        Assert.Contains(Problems(text), p => p.Contains("at most 100", StringComparison.Ordinal));
    }

    [Fact]
    public void CheckLength_VeryLongInput_RefusedBeforeParsing()
    {
        var text = new string('a', 100_000);

        Assert.Contains("4000", _parser.CheckLength(text), StringComparison.Ordinal);
        Assert.Null(_parser.CheckLength("abc me"));
    }

    [Fact]
    public void Parse_VeryLongWord_NotAnIdAndShownTruncated()
    {
        var problem = Assert.Single(Problems(new string('x', 3_000) + " me"));

        Assert.True(problem.Length < 200, problem);
    }

    [Fact]
    public void SlackTokenize_ScopedByTeam_PrefixesTeam()
    {
        var token = Assert.IsType<MentionToken>(Assert.Single(SlackText.Tokenize("<@W123ABC|eve>", "T9", scopeByTeam: true)));

        Assert.Equal(new PersonRef("slack", "T9/W123ABC"), token.Person);
    }

    [Fact]
    public void TeamsTokenize_MentionsResolvedThroughEntities_WebhookMentionDropped()
    {
        var entities = new List<TeamsEntity>
        {
            new("mention", "<at>AssignBridge</at>", new TeamsAccount("28:bot", "AssignBridge", null)),
            new("mention", "<at>Bob Jones</at>", new TeamsAccount("29:bob", "Bob Jones", "aad-bob")),
            new("clientInfo", null, null),
        };

        var tokens = TeamsText.Tokenize("<p><at>AssignBridge</at>&nbsp;assign abc123 to <at>Bob Jones</at> in soc</p>", entities);
        var command = _parser.Parse(tokens, CommandVerb.Assign, Caller).Command!;

        Assert.Equal(["abc123"], command.AlertIds);
        Assert.Equal(new PersonRef("teams", "aad-bob"), Assert.Single(command.People).Person);
        Assert.Equal("@Bob Jones", command.People[0].Display);
        Assert.Equal("soc", command.Space);
    }

    [Fact]
    public void TeamsTokenize_MentionWithoutEntity_PlainNameRefused()
    {
        var tokens = TeamsText.Tokenize("<at>AssignBridge</at> abc <at>Ghost</at>", []);

        Assert.Null(_parser.Parse(tokens, CommandVerb.Assign, Caller).Command);
    }

    [Fact]
    public void TeamsTokenize_NoAadObjectId_FallsBackToTeamsUserId()
    {
        var entities = new List<TeamsEntity> { new("mention", "<at>Ann</at>", new TeamsAccount("29:ann", "Ann", null)) };

        var tokens = TeamsText.Tokenize("<at>AssignBridge</at> abc <at>Ann</at>", entities);

        Assert.Equal(new PersonRef("teams", "29:ann"), Assert.IsType<MentionToken>(tokens[^1]).Person);
    }
}

using System.Text;
using AssignBridge.Assignments;
using AssignBridge.AssignmentsApi;
using AssignBridge.People;

namespace AssignBridge.Tests;

public sealed class AssignmentRequestParserTests
{
    private static readonly AssignmentsOptions Limits = new() { MaxAlertIds = 5, MaxPeople = 3 };

    [Fact]
    public void Parse_FullRequest_AllForms()
    {
        var (parsed, _) = Parse("""
            {"space":"soc","alertIds":["a1",{"id":"a2","space":"other"}],
             "add":["u_1","alice@example.com","jira:5b10ac",{"namespace":"slack","id":"U1","email":"Bob@Example.com"},{"uid":"u_2"},{"email":"c@example.com"}],
             "remove":["uid:u_3"],"reference":"SOC-42","requestedBy":"soar"}
            """, new AssignmentsOptions());

        Assert.NotNull(parsed);
        Assert.Equal([new AlertRef("soc", "a1"), new AlertRef("other", "a2")], parsed.Alerts);
        Assert.Equal(
            [PersonRef.ForUid("u_1"), PersonRef.ForEmail("alice@example.com"), new PersonRef("jira", "5b10ac"), new PersonRef("slack", "U1", "Bob@Example.com"), PersonRef.ForUid("u_2"), PersonRef.ForEmail("c@example.com")],
            parsed.Add);
        Assert.Equal([PersonRef.ForUid("u_3")], parsed.Remove);
        Assert.Equal("SOC-42", parsed.Reference);
    }

    [Fact]
    public void Parse_NoSpace_DefaultSpace()
    {
        var (parsed, _) = Parse("""{"alertIds":["a1"],"add":["u1"]}""");

        Assert.Equal("default", Assert.Single(parsed!.Alerts).Space);
    }

    [Theory]
    [InlineData("{", "$", "not valid JSON")]
    [InlineData("[]", "$", "expected a JSON object")]
    [InlineData("""{"add":["u1"]}""", "alertIds", "required")]
    [InlineData("""{"alertIds":"a1","add":["u1"]}""", "alertIds", "expected a list, found a string")]
    [InlineData("""{"alertIds":[],"add":["u1"]}""", "alertIds", "at least one")]
    [InlineData("""{"alertIds":[1],"add":["u1"]}""", "alertIds[0]", "found a number")]
    [InlineData("""{"alertIds":[""],"add":["u1"]}""", "alertIds[0]", "must not be empty")]
    [InlineData("""{"alertIds":["   "],"add":["u1"]}""", "alertIds[0]", "only whitespace")]
    [InlineData("""{"alertIds":["a\u0000b"],"add":["u1"]}""", "alertIds[0]", "control characters")]
    [InlineData("""{"alertIds":["a\nb"],"add":["u1"]}""", "alertIds[0]", "control characters")]
    [InlineData("""{"alertIds":[" a1"],"add":["u1"]}""", "alertIds[0]", "whitespace")]
    [InlineData("""{"alertIds":["\ud800"],"add":["u1"]}""", "alertIds[0]", "not valid Unicode")]
    [InlineData("""{"alertIds":["a1"]}""", "add", "at least one person")]
    [InlineData("""{"alertIds":["a1"],"add":"u1"}""", "add", "expected a list of people")]
    [InlineData("""{"alertIds":["a1"],"add":[{"name":"x"}]}""", "add[0]", "needs \"uid\"")]
    [InlineData("""{"alertIds":["a1"],"add":[{"namespace":"github","id":"x"}]}""", "add[0].namespace", "unknown namespace")]
    [InlineData("""{"alertIds":["a1"],"add":[{"namespace":"jira"}]}""", "add[0].id", "required")]
    [InlineData("""{"alertIds":["a1"],"add":[{"email":"nope"}]}""", "add[0].email", "email address")]
    [InlineData("""{"alertIds":["a1"],"add":["jira:"]}""", "add[0]", "needs an id")]
    [InlineData("""{"alertIds":["a1"],"add":["u1"],"space":"Not A Space"}""", "space", "space id")]
    [InlineData("""{"alertIds":["a1"],"add":["u1"],"space":"sssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssss"}""", "space", "space is 101 characters long")]
    [InlineData("""{"alertIds":[{"id":"a1","space":"sssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssss"}],"add":["u1"]}""", "alertIds[0].space", "alertIds[0].space is 101 characters long")]
    [InlineData("""{"alertIds":["a1"],"add":[{"namespace":"slack","id":"U1","email":"a@"}]}""", "add[0].email", "email address")]
    [InlineData("""{"alertIds":["a1"],"add":["u1"],"alertids":["x"]}""", "alertids", "unknown field")]
    [InlineData("""{"alertIds":["a1","a2","a3","a4","a5","a6"],"add":["u1"]}""", "alertIds", "at most 5")]
    [InlineData("""{"alertIds":["a1"],"add":["u1","u2","u3","u4"]}""", "add", "at most 3")]
    [InlineData("""{"alertIds":null,"add":["u1"]}""", "alertIds", "expected a list, found null")]
    [InlineData("""{"alertIds":[{"id":1}],"add":["u1"]}""", "alertIds[0].id", "expected a string, found a number")]
    [InlineData("""{"alertIds":["a1"],"add":[{"uid":null,"email":"a@example.com"}]}""", "add[0].uid", "expected a string, found null")]
    [InlineData("""{"alertIds":["a1"],"add":[{"namespace":"slack","id":"\ud800"}]}""", "add[0].id", "not valid Unicode")]
    [InlineData("""{"alertIds":["a1"],"add":["u1"],"reference":{}}""", "reference", "expected a string, found an object")]
    [InlineData("\"a1\"", "$", "expected a JSON object, found a string")]
    public void Parse_BadInput_NamesTheFieldAndTheProblem(string body, string field, string fragment)
    {
        var (parsed, problems) = Parse(body);

        Assert.Null(parsed);
        Assert.True(problems.ContainsKey(field), $"expected a problem for '{field}', got: {string.Join(" | ", problems.Select(p => $"{p.Key}: {string.Join(", ", p.Value)}"))}");
        Assert.Contains(problems[field], m => m.Contains(fragment, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_TooLongId_Refused()
    {
        var (parsed, problems) = Parse($$"""{"alertIds":["{{new string('a', 513)}}"],"add":["u1"]}""");

        Assert.Null(parsed);
        Assert.Contains("alertIds[0]", problems.Keys);
    }

    [Fact]
    public void Parse_DeeplyNested_RefusedAsInvalidJson()
    {
        var body = "{\"alertIds\":" + new string('[', 100) + new string(']', 100) + "}";

        var (parsed, problems) = Parse(body);

        Assert.Null(parsed);
        Assert.Contains("$", problems.Keys);
    }

    [Fact]
    public void Parse_ManyProblems_ReportedTogetherButBounded()
    {
        var ids = string.Join(",", Enumerable.Repeat("\"\"", 50));
        var (parsed, problems) = Parse($$"""{"alertIds":[{{ids}}],"add":["u1"]}""", new AssignmentsOptions());

        Assert.Null(parsed);
        Assert.Equal(20, problems.Values.Sum(v => v.Length));
    }

    [Fact]
    public void Parse_ValuesOfTheWrongTypeAndBrokenValues_ReportedTogether()
    {
        var (parsed, problems) = Parse("""{"space":1,"alertIds":[true,"","\ud800"],"add":"u1","remove":[[]],"requestedBy":false,"x":1}""");

        Assert.Null(parsed);
        Assert.Equal(["x", "space", "alertIds[0]", "alertIds[1]", "alertIds[2]", "add", "remove[0]", "requestedBy"], problems.Keys);
        Assert.Equal("expected a string, found a number.", Assert.Single(problems["space"]));
        Assert.Equal("expected a person (a string or an object), found a list.", Assert.Single(problems["remove[0]"]));
    }

    [Fact]
    public void Parse_NullMembers_NotSent()
    {
        var (parsed, _) = Parse("""{"space":null,"alertIds":[{"id":"a1","space":null}],"add":["u1"],"remove":null,"reference":null,"requestedBy":null}""");

        Assert.NotNull(parsed);
        Assert.Equal([new AlertRef("default", "a1")], parsed.Alerts);
        Assert.Empty(parsed.Remove);
        Assert.Null(parsed.Reference);
    }

    [Fact]
    public void Parse_DuplicateMember_LastOneCounts()
    {
        var (parsed, _) = Parse("""{"alertIds":1,"alertIds":["a1"],"add":[{"uid":[],"uid":"u1"}]}""");

        Assert.NotNull(parsed);
        Assert.Equal([PersonRef.ForUid("u1")], parsed.Add);
    }

    private static (ParsedAssignment? Parsed, IReadOnlyDictionary<string, string[]> Problems) Parse(string body, AssignmentsOptions? limits = null)
    {
        var parser = new AssignmentRequestParser(limits ?? Limits, "default");
        var parsed = parser.Parse(Encoding.UTF8.GetBytes(body));
        return (parsed, parser.Problems);
    }
}

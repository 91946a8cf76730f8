using AssignBridge.Kibana;








namespace AssignBridge.Tests;

/// <summary>The rules are Kibana's own (kibana-api-facts.md §1, "Request validation" and the duplicate check).</summary>
public sealed class AssigneesRequestValidatorTests
{
    [Fact]
    public void Validate_ValidRequest_NoProblems()
    {
        Assert.Empty(AssigneesRequestValidator.Validate(["a1"], ["u1"], []));
    }

    [Fact]
    public void Validate_AddAndRemoveBothEmpty_Allowed()
    {
        // Kibana accepts add:[] remove:[]; it is the planner's choice not to send it.
        Assert.Empty(AssigneesRequestValidator.Validate(["a1"], [], []));
    }

    [Fact]
    public void Validate_NoIds_NamesIds()
    {
        Assert.Contains(AssigneesRequestValidator.Validate([], ["u1"], []), p => p.StartsWith("ids:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Validate_EmptyOrWhitespaceStrings_NamedByPathAsKibanaDoes(string bad)
    {
        Assert.Contains("ids.1: No empty strings allowed", AssigneesRequestValidator.Validate(["a1", bad], ["u1"], []));
        Assert.Contains("assignees.add.0: No empty strings allowed", AssigneesRequestValidator.Validate(["a1"], [bad], []));
        Assert.Contains("assignees.remove.0: No empty strings allowed", AssigneesRequestValidator.Validate(["a1"], [], [bad]));
    }

    [Fact]
    public void Validate_SameUidInAddAndRemove_Refused()
    {
        var problems = AssigneesRequestValidator.Validate(["a1"], ["u1", "u2"], ["u2"]);

        Assert.Contains(problems, p => p.Contains("u2", StringComparison.Ordinal) && p.Contains("both add and remove", StringComparison.Ordinal));
    }

    [Fact]
    public void ThrowIfBadSpace_OverTheSpaceIdLimit_ThrowsAsTheLastLineOfDefence()
    {
        var exception = Assert.Throws<ArgumentException>(() => AssigneesRequestValidator.ThrowIfBadSpace(new string('s', 101)));

        Assert.Contains("at most 100", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_IdWithControlCharacters_RefusedByTheIntakeRule()
    {
        Assert.Contains("ids.0 holds control characters", AssigneesRequestValidator.Validate(["a\u0001"], ["u1"], []));
    }
}

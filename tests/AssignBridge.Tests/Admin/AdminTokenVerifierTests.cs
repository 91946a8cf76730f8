using AssignBridge.Admin;
using AssignBridge.Platform.Security;
using Microsoft.Extensions.Configuration;

namespace AssignBridge.Tests;

public sealed class AdminTokenVerifierTests
{
    private static AdminTokenVerifier Verifier(params (string Key, string Value)[] settings) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(settings.ToDictionary(s => s.Key, s => (string?)s.Value)).Build());

    [Fact]
    public void Verify_NoTokenConfigured_NotConfigured()
    {
        Assert.Equal(SignatureCheck.NotConfigured, Verifier(("Assignments:Tokens:0", "t")).Verify("Bearer t", out _));
    }

    [Fact]
    public void Verify_NamedToken_ValidWithItsLabel()
    {
        var verifier = Verifier(("Admin:Tokens:alice", "secret-a"), ("Admin:Tokens:bob", "secret-b"));

        Assert.Equal(SignatureCheck.Valid, verifier.Verify("Bearer secret-b", out var label));
        Assert.Equal("bob", label);
    }

    [Fact]
    public void Verify_ListToken_LabelledAdmin()
    {
        Assert.Equal(SignatureCheck.Valid, Verifier(("Admin:Tokens:0", "secret")).Verify("bearer  secret ", out var label));
        Assert.Equal("admin", label);
    }

    [Theory]
    [InlineData(null, "Missing")]
    [InlineData("Basic c2VjcmV0", "Missing")]
    [InlineData("Bearer ", "Missing")]
    [InlineData("Bearer other", "Mismatch")]
    public void Verify_WrongOrMissing_Refused(string? header, string expected)
    {
        Assert.Equal(Enum.Parse<SignatureCheck>(expected), Verifier(("Admin:Tokens:0", "secret")).Verify(header, out var label));
        Assert.Null(label);
    }
}

using AssignBridge.AssignmentsApi;
using AssignBridge.Platform.Security;
using Microsoft.Extensions.Configuration;

namespace AssignBridge.Tests;

public sealed class BearerTokenVerifierTests
{
    [Theory]
    [InlineData("Bearer token-a", "Valid")]
    [InlineData("bearer token-b", "Valid")]
    [InlineData("Bearer token-c", "Mismatch")]
    [InlineData("Bearer token-a-longer", "Mismatch")]
    [InlineData("Bearer ", "Missing")]
    [InlineData("Basic dXNlcjpwYXNz", "Missing")]
    [InlineData(null, "Missing")]
    public void Verify_RotatedTokens_EachAccepted(string? header, string expected)
    {
        var verifier = new BearerTokenVerifier(Configuration(("Assignments:Tokens:0", "token-a"), ("Assignments:Tokens:1", "token-b")));

        Assert.Equal(expected, verifier.Verify(header).ToString());
    }

    [Fact]
    public void Verify_NoTokenConfigured_FailsClosed()
    {
        var verifier = new BearerTokenVerifier(Configuration());

        Assert.Equal(SignatureCheck.NotConfigured, verifier.Verify("Bearer anything"));
    }

    [Fact]
    public void Verify_SingleTokenSetting_Accepted()
    {
        var verifier = new BearerTokenVerifier(Configuration(("Assignments:Tokens", "only-one")));

        Assert.Equal(SignatureCheck.Valid, verifier.Verify("Bearer only-one"));
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}

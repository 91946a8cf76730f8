using System.Text;
using AssignBridge.Platform.Security;
using AssignBridge.Sources.Jira;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace AssignBridge.Tests.Sources;

public sealed class JiraSignatureVerifierTests
{
    private const string OfficialSecret = "It's a Secret to Everybody";
    private static readonly byte[] s_officialBody = Encoding.UTF8.GetBytes("Hello World!");
    private const string OfficialSignature = "sha256=a4771c39fbe90f317c7824e83ddef3caae9cb3d976c214ace1f2937e133263c9";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Sign_OfficialTestVector_MatchesAtlassiansSignature()
    {
        Assert.Equal(OfficialSignature, JiraSignatureVerifier.Sign(OfficialSecret, s_officialBody));
    }

    [Theory]
    [InlineData(OfficialSignature)]
    [InlineData("SHA256=A4771C39FBE90F317C7824E83DDEF3CAAE9CB3D976C214ACE1F2937E133263C9")]
    public void Verify_OfficialTestVector_Valid(string header)
    {
        Assert.Equal((SignatureCheck.Valid, JiraAuth.Signature), Verifier(OfficialSecret).Verify(s_officialBody, header, null, null));
    }

    [Fact]
    public void Verify_WrongSecret_Mismatch()
    {
        Assert.Equal(SignatureCheck.Mismatch, Verifier("another secret").Verify(s_officialBody, OfficialSignature, null, null).Check);
    }

    [Fact]
    public void Verify_BodyAlteredByOneByte_Mismatch()
    {
        var altered = Encoding.UTF8.GetBytes("Hello World?");

        Assert.Equal(SignatureCheck.Mismatch, Verifier(OfficialSecret).Verify(altered, OfficialSignature, null, null).Check);
    }

    [Fact]
    public void Verify_MissingHeader_Missing()
    {
        Assert.Equal((SignatureCheck.Missing, JiraAuth.None), Verifier(OfficialSecret).Verify(s_officialBody, null, null, null));
    }

    [Theory]
    [InlineData("sha1=a4771c39fbe90f317c7824e83ddef3caae9cb3d976c214ace1f2937e133263c9")]
    [InlineData("a4771c39fbe90f317c7824e83ddef3caae9cb3d976c214ace1f2937e133263c9")]
    [InlineData("sha256=")]
    [InlineData("sha256=not-hex")]
    [InlineData("sha256=a4771c39")]
    public void Verify_OtherMethodOrMalformed_Mismatch(string header)
    {
        Assert.Equal(SignatureCheck.Mismatch, Verifier(OfficialSecret).Verify(s_officialBody, header, null, null).Check);
    }

    [Fact]
    public void Verify_RotatedSecrets_EitherValid()
    {
        var verifier = Verifier("new-secret", OfficialSecret);

        Assert.Equal(SignatureCheck.Valid, verifier.Verify(s_officialBody, OfficialSignature, null, null).Check);
        Assert.Equal(SignatureCheck.Valid, verifier.Verify(s_officialBody, JiraSignatureVerifier.Sign("new-secret", s_officialBody), null, null).Check);
    }

    [Fact]
    public void Verify_NothingConfigured_NotConfiguredEvenWhenSigned()
    {
        var verifier = new JiraSignatureVerifier(new ConfigurationBuilder().Build(), _time);

        Assert.Equal(SignatureCheck.NotConfigured, verifier.Verify(s_officialBody, OfficialSignature, null, null).Check);
        Assert.Equal(SignatureCheck.NotConfigured, verifier.Verify(s_officialBody, null, null, null).Check);
        Assert.Equal(SignatureCheck.NotConfigured, verifier.Verify(s_officialBody, null, "anything", null).Check);
    }

    [Fact]
    public void Verify_AutomationSecretHeaderOrBearer_ValidOnlyWithTheSecret()
    {
        var verifier = Verifier(OfficialSecret, automation: "automation-secret");

        Assert.Equal((SignatureCheck.Valid, JiraAuth.SharedSecret), verifier.Verify(s_officialBody, null, "automation-secret", null));
        Assert.Equal((SignatureCheck.Valid, JiraAuth.SharedSecret), verifier.Verify(s_officialBody, null, null, "Bearer automation-secret"));
        Assert.Equal(SignatureCheck.Mismatch, verifier.Verify(s_officialBody, null, "automation-secreT", null).Check);
        Assert.Equal(SignatureCheck.Mismatch, verifier.Verify(s_officialBody, null, OfficialSecret, null).Check);
    }

    [Fact]
    public void Verify_AutomationHeaderWithOnlyHmacSecretsConfigured_NotConfigured()
    {
        Assert.Equal(SignatureCheck.NotConfigured, Verifier(OfficialSecret).Verify(s_officialBody, null, OfficialSecret, null).Check);
    }

    [Fact]
    public void CheckFreshness_WithinWindowOldFutureOrAbsent()
    {
        var verifier = Verifier(OfficialSecret);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var window = TimeSpan.FromHours(6);

        Assert.Equal(SignatureCheck.Valid, verifier.CheckFreshness(now - 3_600_000, window));
        Assert.Equal(SignatureCheck.Valid, verifier.CheckFreshness(null, window));
        Assert.Equal(SignatureCheck.Expired, verifier.CheckFreshness(now - (7 * 3_600_000), window));
        Assert.Equal(SignatureCheck.Expired, verifier.CheckFreshness(now + (10 * 60_000), window));
        Assert.Equal(SignatureCheck.Expired, verifier.CheckFreshness(-1, window));
    }

    private JiraSignatureVerifier Verifier(string first, string? second = null, string? automation = null)
    {
        var settings = new Dictionary<string, string?> { ["Jira:Secrets:0"] = first, ["Jira:Secrets:1"] = second, ["Jira:AutomationSecrets:0"] = automation };
        return new JiraSignatureVerifier(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), _time);
    }
}

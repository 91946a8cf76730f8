using System.Text;
using AssignBridge.Platform.Security;
using AssignBridge.Sources.ServiceNow;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace AssignBridge.Tests.Sources;

public sealed class ServiceNowVerifierTests
{
    private static readonly byte[] s_body = Encoding.UTF8.GetBytes("{\"version\":1,\"table\":\"incident\"}");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Sign_IsBase64HmacSha256OfTheBody()
    {
        // RFC 4231 test case 2 in base64: what GlideCertificateEncryption.generateMac returns for the same key and data.
        var signature = ServiceNowVerifier.Sign("Jefe", "what do ya want for nothing?"u8);

        Assert.Equal("sha256=W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=", signature);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Verify_SignatureWithOrWithoutPrefix_Valid(bool prefix)
    {
        var signature = ServiceNowVerifier.Sign("s3cret", s_body);

        var (check, via) = Verifier("s3cret").Verify(s_body, prefix ? signature : signature["sha256=".Length..], null);

        Assert.Equal((SignatureCheck.Valid, ServiceNowAuth.Signature), (check, via));
    }

    [Fact]
    public void Verify_AlteredBodyWrongSecretOrGarbage_Mismatch()
    {
        var verifier = Verifier("s3cret");
        var altered = (byte[])s_body.Clone();
        altered[^2] ^= 1;

        Assert.Equal(SignatureCheck.Mismatch, verifier.Verify(altered, ServiceNowVerifier.Sign("s3cret", s_body), null).Check);
        Assert.Equal(SignatureCheck.Mismatch, verifier.Verify(s_body, ServiceNowVerifier.Sign("other", s_body), null).Check);
        Assert.Equal(SignatureCheck.Mismatch, verifier.Verify(s_body, "sha256=!!", null).Check);
        Assert.Equal(SignatureCheck.Mismatch, verifier.Verify(s_body, null, "other").Check);
    }

    [Fact]
    public void Verify_RotationSharedSecretAndMissing()
    {
        var verifier = Verifier("new", "old");

        Assert.Equal(SignatureCheck.Valid, verifier.Verify(s_body, ServiceNowVerifier.Sign("old", s_body), null).Check);
        Assert.Equal((SignatureCheck.Valid, ServiceNowAuth.SharedSecret), verifier.Verify(s_body, null, "new"));
        Assert.Equal(SignatureCheck.Missing, verifier.Verify(s_body, null, null).Check);
    }

    [Fact]
    public void Verify_NothingConfigured_NotConfigured()
    {
        var verifier = new ServiceNowVerifier(new ConfigurationBuilder().Build(), _time);

        Assert.Equal(SignatureCheck.NotConfigured, verifier.Verify(s_body, ServiceNowVerifier.Sign("x", s_body), null).Check);
        Assert.Equal(SignatureCheck.NotConfigured, verifier.Verify(s_body, null, "x").Check);
    }

    [Fact]
    public void CheckFreshness_GlideTimeInAndOutOfWindow()
    {
        var verifier = Verifier("s3cret");
        var window = TimeSpan.FromHours(1);

        Assert.Equal(SignatureCheck.Valid, verifier.CheckFreshness(ServiceNowVerifier.ParseTime("2026-11-25 11:30:00"), window));
        Assert.Equal(SignatureCheck.Expired, verifier.CheckFreshness(ServiceNowVerifier.ParseTime("2026-11-25 10:30:00"), window));
        Assert.Equal(SignatureCheck.Expired, verifier.CheckFreshness(ServiceNowVerifier.ParseTime("2026-11-25T12:30:00Z"), window));
        Assert.Equal(SignatureCheck.Valid, verifier.CheckFreshness(null, window));
    }

    [Fact]
    public void ParseTime_GlideValueIsUtc()
    {
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 16, 59, 58, TimeSpan.Zero), ServiceNowVerifier.ParseTime("2026-11-25 16:59:58"));
        Assert.Null(ServiceNowVerifier.ParseTime("yesterday"));
    }

    private ServiceNowVerifier Verifier(string first, string? second = null) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ServiceNow:Secrets:0"] = first, ["ServiceNow:Secrets:1"] = second }).Build(), _time);
}

using System.Text;
using AssignBridge.Commands.Slack;
using AssignBridge.Commands.Teams;
using AssignBridge.Platform.Security;
using Microsoft.Extensions.Time.Testing;

namespace AssignBridge.Tests;

public sealed class ChatSignatureTests
{
    // Slack's documented example ("Verifying requests from Slack", api.slack.com/authentication/verifying-requests-from-slack).
    private const string SlackSecret = "8f742231b10e8888abcd99yyyzzz85a5";
    private const string SlackTimestamp = "1531420618";
    private const string SlackBody = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    private const string SlackSignature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    // The security token shown in Microsoft's outgoing-webhook docs; the docs do not show the body of their example
    // signature, so the expected value below was computed independently (Python hmac/base64) for this body.
    private const string TeamsToken = "vqF0En+Z0ucuRTM/01o2GuhMH3hKKk/N2bOmlM31zaA=";
    private const string TeamsBody = "{\"type\":\"message\",\"text\":\"hi\"}";
    private const string TeamsAuthorization = "HMAC OsI22fOxGbRqh5cP8AMgGG80vP5pVkuGv1D1ft388ls=";

    private static FakeTimeProvider At(long unixSeconds) => new(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public void Slack_DocumentedVector_Valid()
    {
        var verifier = new SlackSignatureVerifier([SlackSecret], At(1531420618 + 10));

        Assert.Equal(SignatureCheck.Valid, verifier.Verify(SlackTimestamp, SlackSignature, Bytes(SlackBody)));
        Assert.Equal(SlackSignature, SlackSignatureVerifier.Sign(SlackSecret, SlackTimestamp, Bytes(SlackBody)));
    }

    [Fact]
    public void Slack_RotatedSecrets_EitherAccepted()
    {
        var verifier = new SlackSignatureVerifier(["new-secret", SlackSecret], At(1531420618));

        Assert.Equal(SignatureCheck.Valid, verifier.Verify(SlackTimestamp, SlackSignature, Bytes(SlackBody)));
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    [InlineData(86_400)]
    public void Slack_TimestampOutsideFiveMinutes_Expired(int skew)
    {
        var verifier = new SlackSignatureVerifier([SlackSecret], At(1531420618 + skew));

        Assert.Equal(SignatureCheck.Expired, verifier.Verify(SlackTimestamp, SlackSignature, Bytes(SlackBody)));
    }

    [Fact]
    public void Slack_ReplayWithinWindowButBodyChanged_Mismatch()
    {
        var verifier = new SlackSignatureVerifier([SlackSecret], At(1531420618));

        Assert.Equal(SignatureCheck.Mismatch, verifier.Verify(SlackTimestamp, SlackSignature, Bytes(SlackBody.Replace("text=", "text=x", StringComparison.Ordinal))));
        Assert.Equal(SignatureCheck.Mismatch, verifier.Verify("1531420619", SlackSignature, Bytes(SlackBody)));
    }

    [Theory]
    [InlineData(null, SlackSignature, "Missing")]
    [InlineData(SlackTimestamp, null, "Missing")]
    [InlineData("not-a-number", SlackSignature, "Mismatch")]
    [InlineData(SlackTimestamp, "v1=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", "Mismatch")]
    [InlineData(SlackTimestamp, "v0=zz", "Mismatch")]
    public void Slack_MalformedHeaders_NotValid(string? timestamp, string? signature, string expected)
    {
        var verifier = new SlackSignatureVerifier([SlackSecret], At(1531420618));

        Assert.Equal(expected, verifier.Verify(timestamp, signature, Bytes(SlackBody)).ToString());
    }

    [Fact]
    public void Slack_NoSecret_NotConfigured()
    {
        var verifier = new SlackSignatureVerifier(["", "  "], At(1531420618));

        Assert.Equal(SignatureCheck.NotConfigured, verifier.Verify(SlackTimestamp, SlackSignature, Bytes(SlackBody)));
    }

    [Fact]
    public void Teams_IndependentVector_Valid()
    {
        var verifier = new TeamsSignatureVerifier([TeamsToken]);

        Assert.Equal(SignatureCheck.Valid, verifier.Verify(TeamsAuthorization, Bytes(TeamsBody)));
        Assert.Equal(TeamsAuthorization, TeamsSignatureVerifier.Sign(TeamsToken, Bytes(TeamsBody)));
    }

    [Fact]
    public void Teams_RotatedTokens_EitherAccepted()
    {
        var other = Convert.ToBase64String(Bytes("another team's webhook token!!"));
        var verifier = new TeamsSignatureVerifier([other, TeamsToken]);

        Assert.Equal(SignatureCheck.Valid, verifier.Verify(TeamsAuthorization, Bytes(TeamsBody)));
        Assert.Equal(SignatureCheck.Valid, verifier.Verify(TeamsSignatureVerifier.Sign(other, Bytes(TeamsBody)), Bytes(TeamsBody)));
    }

    [Theory]
    [InlineData(null, "Missing")]
    [InlineData("Bearer abc", "Missing")]
    [InlineData("HMAC !!!", "Mismatch")]
    [InlineData("HMAC 03TCao0i55H1eVKUusZOTZRjtvYTs+mO41mPL+R1e1U=", "Mismatch")]
    public void Teams_BadHeader_NotValid(string? authorization, string expected)
    {
        var verifier = new TeamsSignatureVerifier([TeamsToken]);

        Assert.Equal(expected, verifier.Verify(authorization, Bytes(TeamsBody)).ToString());
    }

    [Fact]
    public void Teams_ReplayedSignatureOnAnotherBody_Mismatch()
    {
        var verifier = new TeamsSignatureVerifier([TeamsToken]);

        Assert.Equal(SignatureCheck.Mismatch, verifier.Verify(TeamsAuthorization, Bytes(TeamsBody + " ")));
    }

    [Fact]
    public void Teams_NoTokenOrTokenNotBase64_NotConfigured()
    {
        Assert.Equal(SignatureCheck.NotConfigured, new TeamsSignatureVerifier([]).Verify(TeamsAuthorization, Bytes(TeamsBody)));
        Assert.Equal(SignatureCheck.NotConfigured, new TeamsSignatureVerifier(["not base64!"]).Verify(TeamsAuthorization, Bytes(TeamsBody)));
    }

    [Fact]
    public void SlackDeliveryId_SameInvocationSameId_OtherTriggerOtherId()
    {
        var a = SlackEndpoints.DeliveryId("T1", "C1", "U1", "trigger-1", []);

        Assert.Equal(a, SlackEndpoints.DeliveryId("T1", "C1", "U1", "trigger-1", []));
        Assert.NotEqual(a, SlackEndpoints.DeliveryId("T1", "C1", "U1", "trigger-2", []));
    }
}

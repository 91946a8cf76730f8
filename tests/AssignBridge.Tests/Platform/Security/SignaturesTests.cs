using System.Text;
using AssignBridge.Platform.Security;

namespace AssignBridge.Tests;

public sealed class SignaturesTests
{
    [Fact]
    public void HmacSha256_Rfc4231TestCase2()
    {
        // RFC 4231 §4.3: key "Jefe", data "what do ya want for nothing?".
        var mac = Signatures.HmacSha256("Jefe"u8, "what do ya want for nothing?"u8);

        Assert.Equal("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", Convert.ToHexStringLower(mac));
    }

    [Fact]
    public void MatchesAny_RotatedKeys_EitherAccepted()
    {
        var data = Encoding.UTF8.GetBytes("{\"a\":1}");
        var oldKey = "old-secret"u8.ToArray();
        var newKey = "new-secret"u8.ToArray();

        Assert.True(Signatures.MatchesAny(Signatures.HmacSha256(oldKey, data), data, [newKey, oldKey]));
        Assert.True(Signatures.MatchesAny(Signatures.HmacSha256(newKey, data), data, [newKey, oldKey]));
        Assert.False(Signatures.MatchesAny(Signatures.HmacSha256("other"u8, data), data, [newKey, oldKey]));
        Assert.False(Signatures.MatchesAny(Signatures.HmacSha256(newKey, data), data, []));
    }

    [Theory]
    [InlineData("zz")]
    [InlineData("abc")]
    [InlineData("")]
    public void FromHex_NotHex_Null(string text)
    {
        Assert.Null(Signatures.FromHex(text));
    }

    [Fact]
    public void FromBase64_NotBase64_Null()
    {
        Assert.Null(Signatures.FromBase64("not base64!"));
        Assert.Equal([1, 2, 3], Signatures.FromBase64("AQID"));
    }
}

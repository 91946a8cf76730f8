using AssignBridge.Platform.Storage;








namespace AssignBridge.Tests;

public sealed class RowKeysTests
{
    [Theory]
    [InlineData("5b10ac8d82e05b22cc7d4ef5")]
    [InlineData("alice@example.com")]
    [InlineData("557058:f58131cb-b67d-43c7-b30d-6b58d40bd077")]
    [InlineData("Müller Ünïcødé 😀")]
    public void Encode_OrdinaryIds_LeftReadable(string id)
    {
        Assert.Equal(id, RowKeys.Encode(id));
    }

    [Theory]
    [InlineData("T024BE7LD/U024BE7LH", "T024BE7LD%2FU024BE7LH")]
    [InlineData(@"DOMAIN\alice", "DOMAIN%5Calice")]
    [InlineData("team#1?x", "team%231%3Fx")]
    [InlineData("100%", "100%25")]
    [InlineData("tab\there", "tab%09here")]
    [InlineData("del\u007f", "del%7F")]
    [InlineData("c1\u0085", "c1%C2%85")]
    public void Encode_CharactersTableKeysForbid_Escaped(string id, string expected)
    {
        Assert.Equal(expected, RowKeys.Encode(id));
    }

    [Theory]
    [InlineData("T024BE7LD/U024BE7LH")]
    [InlineData(@"a\b#c?d%e/f")]
    [InlineData("%2F")]
    [InlineData("line\nbreak\u0000nul")]
    [InlineData("Müller 😀 /")]
    public void Decode_OfEncode_GivesTheIdBack(string id)
    {
        var key = RowKeys.Encode(id);

        Assert.DoesNotContain(key, c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));
        Assert.Equal(id, RowKeys.Decode(key));
    }

    [Fact]
    public void Encode_DistinctIds_DistinctKeys()
    {
        // '%' is escaped too, so an id that looks like an escape cannot collide with the escaped form of another.
        Assert.NotEqual(RowKeys.Encode("a/b"), RowKeys.Encode("a%2Fb"));
    }

    [Fact]
    public void Encode_TooLongForATableKey_Throws()
    {
        Assert.Throws<ArgumentException>(() => RowKeys.Encode(new string('/', 200)));
        Assert.Equal(512, RowKeys.Encode(new string('a', 512)).Length);
    }

    [Fact]
    public void Encode_Empty_Throws()
    {
        Assert.Throws<ArgumentException>(() => RowKeys.Encode(""));
    }
}

using System.Security.Cryptography;

namespace AssignBridge.Platform.Security;

/// <summary>HMAC-SHA256 signatures over raw request bytes, checked in constant time against every configured secret (rotation).</summary>
internal static class Signatures
{
    public static byte[] HmacSha256(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data)
    {
        var mac = new byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, data, mac);
        return mac;
    }

    /// <summary>
    /// True when <paramref name="presented"/> equals the HMAC of <paramref name="data"/> under any of <paramref name="keys"/>.
    /// Every key is tried, so the time taken says nothing about which one matched, if any.
    /// </summary>
    public static bool MatchesAny(ReadOnlySpan<byte> presented, ReadOnlySpan<byte> data, IEnumerable<byte[]> keys)
    {
        var matched = false;
        foreach (var key in keys)
        {
            var expected = HmacSha256(key, data);
            matched |= CryptographicOperations.FixedTimeEquals(expected, presented);
        }

        return matched;
    }

    /// <summary>Decodes lower- or upper-case hex; null when the text is not hex (a malformed header is a mismatch, not an error).</summary>
    public static byte[]? FromHex(ReadOnlySpan<char> hex)
    {
        if (hex.Length == 0 || hex.Length % 2 != 0)
        {
            return null;
        }

        var bytes = new byte[hex.Length / 2];
        return Convert.FromHexString(hex, bytes, out _, out _) == System.Buffers.OperationStatus.Done ? bytes : null;
    }

    /// <summary>Decodes base64; null when the text is not base64.</summary>
    public static byte[]? FromBase64(string text)
    {
        var buffer = new byte[(text.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer[..written] : null;
    }
}

using System.Security.Cryptography;
using System.Text;

namespace AssignBridge.Platform.Security;

/// <summary>Compares presented credentials with configured ones without leaking, through timing, how much matched.</summary>
/// <remarks>
/// Hashing both sides first gives equal-length inputs to <see cref="CryptographicOperations.FixedTimeEquals"/>, so
/// neither the content nor the length of a configured secret shows in the time taken. Every candidate is compared,
/// so the position of the match does not show either.
/// </remarks>
internal static class SecretComparer
{
    /// <summary>The SHA-256 of a configured secret's UTF-8 bytes, made once and compared with <see cref="IndexOfAny"/>.</summary>
    public static byte[] Digest(ReadOnlySpan<char> secret)
    {
        var digest = new byte[SHA256.HashSizeInBytes];
        HashUtf8(secret, digest);
        return digest;
    }

    /// <summary>The index of the first configured digest the presented value matches, or -1; all of them are compared.</summary>
    public static int IndexOfAny(ReadOnlySpan<char> presented, IReadOnlyList<byte[]> configuredDigests)
    {
        Span<byte> presentedHash = stackalloc byte[SHA256.HashSizeInBytes];
        HashUtf8(presented, presentedHash);
        var match = -1;
        for (var i = 0; i < configuredDigests.Count; i++)
        {
            if (CryptographicOperations.FixedTimeEquals(presentedHash, configuredDigests[i]) && match < 0)
            {
                match = i;
            }
        }

        return match;
    }

    private static void HashUtf8(ReadOnlySpan<char> value, Span<byte> destination)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(value)];
        Encoding.UTF8.GetBytes(value, bytes);
        SHA256.HashData(bytes, destination);
        CryptographicOperations.ZeroMemory(bytes);
    }
}

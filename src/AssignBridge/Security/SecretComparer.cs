using System.Security.Cryptography;
using System.Text;

namespace AssignBridge.Security;

/// <summary>Compares presented credentials with configured ones without leaking, through timing, how much matched.</summary>
internal static class SecretComparer
{
    /// <summary>
    /// Hashing both sides first gives equal-length inputs to <see cref="CryptographicOperations.FixedTimeEquals"/>,
    /// so neither the content nor the length of a configured secret shows in the time taken.
    /// Every candidate is compared, so the position of the match does not show either.
    /// </summary>
    public static bool MatchesAny(ReadOnlySpan<char> presented, IReadOnlyList<string> configured)
    {
        Span<byte> presentedHash = stackalloc byte[SHA256.HashSizeInBytes];
        HashUtf8(presented, presentedHash);
        Span<byte> candidateHash = stackalloc byte[SHA256.HashSizeInBytes];
        var matched = false;
        foreach (var candidate in configured)
        {
            HashUtf8(candidate, candidateHash);
            matched |= CryptographicOperations.FixedTimeEquals(presentedHash, candidateHash);
        }

        return matched;
    }

    private static void HashUtf8(ReadOnlySpan<char> value, Span<byte> destination)
    {
        var bytes = Encoding.UTF8.GetBytes(value.ToArray());
        SHA256.HashData(bytes, destination);
        CryptographicOperations.ZeroMemory(bytes);
    }
}

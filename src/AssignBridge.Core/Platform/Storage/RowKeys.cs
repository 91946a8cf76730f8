using System.Text;

namespace AssignBridge.Platform.Storage;

// Turns any external id into a legal, readable Table Storage key. Table keys may not hold '/', '\', '#', '?'
// or control characters and are at most 1 KiB; '%' is escaped too so that decoding is exact.
// Everything else stays as it is, so admins can read the keys.
internal static class RowKeys
{
    /// <summary>Table Storage allows 1 KiB (512 UTF-16 characters) per key.</summary>
    public const int MaxLength = 512;

    /// <summary>Partitions the alert rows are spread over: few enough that a large delivery writes its rows in entity-group transactions, enough to spread the load.</summary>
    public const int AlertBuckets = 16;

    /// <summary>An alert's key inside its partition: a hash of space and id, so any id fits.</summary>
    public static string AlertKey(string space, string alertId) => Hash($"{space}\n{alertId}");

    // The partition of an alert's rows (managed assignees, audit): one of AlertBuckets buckets chosen by
    // the alert's key, so that the rows of many alerts share partitions and go to storage in batches of up to 100.
    // Rows of one alert start with AlertKey in their row key.
    public static string AlertPartition(string space, string alertId) => BucketOf(AlertKey(space, alertId));

    /// <summary>The partition of one alert's rows as versions before 1 Dec 2026 wrote them (one partition per alert); read, never written.</summary>
    public static string LegacyAlertPartition(string alertKey) => "alert|" + alertKey;

    /// <summary>The bucket partition of an alert key.</summary>
    public static string BucketOf(string alertKey) =>
        "alerts|" + (Convert.ToInt32(alertKey[..2], 16) % AlertBuckets).ToString("D2", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A UID's part of a row key: a hash, so that an alert's key and any UID fit a key together.</summary>
    public static string UidKey(string uid) => Hash(uid)[..32];

    /// <summary>The partition of one ticket's rows (its newest event, audit), by its key or reference.</summary>
    public static string TicketPartition(string ticket) => "ticket|" + Hash(ticket);

    // A ticket's row among the journal rows of its sender (its newest applied event): Encode writes '%' only before two
    // hex digits, so no delivery id's key can start with "%ticket|".
    public static string TicketRow(string ticket) => "%ticket|" + Hash(ticket);

    /// <summary>The row keys <see cref="TicketRow"/> can give lie between these two.</summary>
    public const string TicketRowsFrom = "%ticket|", TicketRowsTo = "%ticket}";

    private static string Hash(string text) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    public static string Encode(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var builder = new StringBuilder(id.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < id.Length; i++)
        {
            var c = id[i];
            if (!NeedsEscape(c))
            {
                builder.Append(c);
                continue;
            }

            var length = Encoding.UTF8.GetBytes(id.AsSpan(i, 1), utf8);
            foreach (var b in utf8[..length])
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        if (builder.Length > MaxLength)
        {
            throw new ArgumentException($"The id is too long for a table key ({builder.Length} characters encoded, at most {MaxLength}).", nameof(id));
        }

        return builder.ToString();
    }

    /// <summary>The length of <see cref="Encode"/>'s key for an id, without building it (and without the limit).</summary>
    public static int EncodedLength(string id)
    {
        var length = 0;
        for (var i = 0; i < id.Length; i++)
        {
            var c = id[i];
            length += !NeedsEscape(c) ? 1 : 3 * System.Text.Encoding.UTF8.GetByteCount(id.AsSpan(i, 1));
        }

        return length;
    }

    public static string Decode(string key) => Uri.UnescapeDataString(key);

    private static bool NeedsEscape(char c) =>
        c is '/' or '\\' or '#' or '?' or '%' || char.IsControl(c);
}

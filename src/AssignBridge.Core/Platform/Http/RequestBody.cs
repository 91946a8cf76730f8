namespace AssignBridge.Platform.Http;

/// <summary>Reads a request body into memory up to a limit, so that a verifier and a parser see the same bytes and an oversized body costs at most the limit.</summary>
internal static class RequestBody
{
    /// <returns>The body, or null when it is larger than <paramref name="maxBytes"/>.</returns>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        var buffer = new MemoryStream(request.ContentLength is { } length ? (int)length : 4_096);
        var chunk = new byte[16 * 1_024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AssignBridge.Secrets;
using AssignBridge.Platform.Http;

namespace AssignBridge.Tickets;

/// <summary>What differs between the ticket APIs in their failures: the name, the error body, the rate-limit headers.</summary>
/// <param name="parseDetail">The product's error text from an error body; null when the body is not its error shape.</param>
/// <param name="retryAfter">How long the answer asks to wait, from its headers and the time now.</param>
internal sealed record TicketSystem(string Name, Func<byte[], string?> parseDetail, Func<HttpResponseMessage, DateTimeOffset, TimeSpan?> retryAfter)
{
    public string? ParseDetail(byte[] body) => parseDetail(body);

    public TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now) => retryAfter(response, now);
}

/// <summary>
/// One attempt per call at a ticket API (retries go through the bridge's queue), signed with the writer's credential and
/// sent once more only after a 401, with a renewed credential. Every failure is one <see cref="TicketWriteException"/>.
/// </summary>
internal sealed class TicketApi(HttpClient http, TicketSystem system, TimeProvider time, ILogger logger)
{
    /// <summary>Sends the request <paramref name="create"/> makes, signed; the body of a 2xx answer.</summary>
    /// <exception cref="TicketWriteException">A failure answer, no answer, or no credential.</exception>
    public async Task<byte[]> SendAsync(Func<HttpRequestMessage> create, ITicketCredentials credentials, CancellationToken cancellationToken)
    {
        var credential = await CredentialAsync(credentials.GetAsync, cancellationToken);
        using (var first = await SendOnceAsync(create, credential.Header, cancellationToken))
        {
            if (first.StatusCode != HttpStatusCode.Unauthorized)
            {
                return await BodyAsync(first, cancellationToken);
            }

            var renewed = await CredentialAsync(ct => credentials.RenewAsync(credential, ct), cancellationToken);
            if (renewed is null)
            {
                Log.CredentialRefused(logger, system.Name, credentials.Name);
                throw await FailureAsync(first, $"the credential from {credentials.Name} was refused and its source holds no newer one", cancellationToken);
            }

            credential = renewed;
        }

        Log.CredentialRenewed(logger, system.Name, credentials.Name);
        using var second = await SendOnceAsync(create, credential.Header, cancellationToken);
        if (second.StatusCode != HttpStatusCode.Unauthorized)
        {
            return await BodyAsync(second, cancellationToken);
        }

        Log.RenewedCredentialRefused(logger, system.Name, credentials.Name);
        throw await FailureAsync(second, $"the credential from {credentials.Name} was refused, also after re-reading it", cancellationToken);
    }

    /// <summary>One request as <paramref name="create"/> makes it, with <paramref name="authorization"/>; any answer, failures included.</summary>
    /// <exception cref="TicketWriteException">No answer: the connection failed or the attempt timed out.</exception>
    public async Task<HttpResponseMessage> SendOnceAsync(Func<HttpRequestMessage> create, AuthenticationHeaderValue? authorization, CancellationToken cancellationToken)
    {
        using var request = create();
        request.Headers.Authorization = authorization;
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        try
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            Log.NoAnswer(logger, system.Name, request.Method.Method, exception.HttpRequestError.ToString());
            throw new TicketWriteException(system.Name, 0, $"{exception.HttpRequestError}: {exception.Message}", innerException: exception);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            Log.NoAnswer(logger, system.Name, request.Method.Method, "timed out");
            throw new TicketWriteException(system.Name, 0, $"timed out after {http.Timeout.TotalSeconds:0} s", innerException: exception);
        }
    }

    /// <summary>The exception for a failure answer: status, the product's own error text, how long to wait.</summary>
    public async Task<TicketWriteException> FailureAsync(HttpResponseMessage response, string? hint, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var detail = ErrorBodies.IsHtml(response)
            ? $"an HTML page instead of {system.Name}'s JSON (is a proxy or sign-in page in front of it? check the base URL)"
            : system.ParseDetail(body) ?? (body.Length > 0 ? ErrorBodies.Shorten(Encoding.UTF8.GetString(body)) : response.ReasonPhrase ?? $"HTTP {status}");
        Log.FailureAnswer(logger, system.Name, status, response.RequestMessage?.Method.Method ?? "?", detail);
        return new TicketWriteException(system.Name, status, detail, system.RetryAfter(response, time.GetUtcNow()), hint);
    }

    /// <summary>A 2xx answer's body that is not what the route gives (HTML, text, JSON of another shape): a failure naming what came back.</summary>
    public TicketWriteException NotTheAnswer(byte[] body, string expected) =>
        new(system.Name, 200, $"the answer is not {expected}: {ErrorBodies.Shorten(Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 120))))}");

    private async Task<byte[]> BodyAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        response.IsSuccessStatusCode
            ? await response.Content.ReadAsByteArrayAsync(cancellationToken)
            : throw await FailureAsync(response, hint: null, cancellationToken);

    private async Task<T> CredentialAsync<T>(Func<CancellationToken, Task<T>> get, CancellationToken cancellationToken)
    {
        try
        {
            return await get(cancellationToken);
        }
        catch (SecretUnavailableException exception)
        {
            // The vault may answer again, or an operator add the secret: the queue's next attempt may pass.
            throw new TicketWriteException(system.Name, 0, exception.Message, innerException: exception);
        }
    }
}

using System.Net.Sockets;
using Azure;

namespace AssignBridge.Platform.Storage;

// Table Storage fails in several ways: an answer with an error status (RequestFailedException);
// Azure.Core giving up on an unreachable endpoint with an AggregateException of each attempt's
// failure; a stalled endpoint, which Azure.Core's network timeout ends with a TaskCanceledException
// although nobody cancelled; or a connection reset mid-answer (IOException). Each store turns all of
// them into its own exception, which names no secret. A table that storage reports gone is created again and the
// operation tried once more (the operation must ensure its table first). Cancellation by the caller stays
// cancellation.
internal static class StorageGuard
{
    public static async Task<T> RunAsync<T>(Func<Task<T>> operation, Func<string, Exception, Exception> fail, LazyTable? table = null, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await operation();
            }
            catch (RequestFailedException exception) when (exception.ErrorCode == "TableNotFound" && table is not null && attempt == 0)
            {
                table.Forget();
            }
            catch (Exception exception) when (Reason(exception, cancellationToken) is { } reason)
            {
                throw fail(reason, exception);
            }
        }
    }

    /// <summary>Why storage failed, in words that name no secret; null when <paramref name="exception"/> is not a storage failure (the caller's own cancellation included).</summary>
    public static string? Reason(Exception exception, CancellationToken cancellationToken = default) => exception switch
    {
        RequestFailedException failed => $"status {failed.Status}{(failed.ErrorCode is { } code ? $", {code}" : "")}",
        OperationCanceledException when !cancellationToken.IsCancellationRequested => "timed out",
        AggregateException aggregate when aggregate.InnerExceptions.All(e => e is RequestFailedException or HttpRequestException or IOException or SocketException or OperationCanceledException) =>
            aggregate.InnerExceptions.Any(e => e is OperationCanceledException) ? "timed out" : "unreachable",
        HttpRequestException or IOException or SocketException => "unreachable",
        _ => null,
    };
}

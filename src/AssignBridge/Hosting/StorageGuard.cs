using Azure;

namespace AssignBridge.Hosting;

/// <summary>
/// Table Storage fails in two ways: an answer with an error status (<see cref="RequestFailedException"/>), or
/// Azure.Core giving up on an unreachable endpoint with an <see cref="AggregateException"/> of each attempt's
/// failure. Each store turns both into its own exception, which names no secret. A table that storage reports
/// gone is created again and the operation tried once more (the operation must ensure its table first).
/// </summary>
internal static class StorageGuard
{
    public static async Task<T> RunAsync<T>(Func<Task<T>> operation, Func<string, Exception, Exception> fail, LazyTable? table = null)
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
            catch (RequestFailedException exception)
            {
                throw fail($"status {exception.Status}{(exception.ErrorCode is { } code ? $", {code}" : "")}", exception);
            }
            catch (AggregateException exception) when (IsUnreachable(exception))
            {
                throw fail("unreachable", exception);
            }
        }
    }

    public static bool IsUnreachable(AggregateException exception) =>
        exception.InnerExceptions.All(e => e is RequestFailedException or HttpRequestException);
}

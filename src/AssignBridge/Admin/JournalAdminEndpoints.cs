using System.Text.Json.Serialization;
using AssignBridge.Delivery;
using AssignBridge.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AssignBridge.Admin;

/// <summary>A journal row as operators see it.</summary>
internal sealed record JournalView(
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("deliveryId")] string DeliveryId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("recordedAt")] DateTimeOffset RecordedAt,
    [property: JsonPropertyName("nextAttemptAt")] DateTimeOffset? NextAttemptAt,
    [property: JsonPropertyName("lastError")] string? LastError,
    [property: JsonPropertyName("reference")] string? Reference,
    [property: JsonPropertyName("alerts")] int Alerts)
{
    public static JournalView Of(JournalEntry entry) => new(
        entry.Source, entry.DeliveryId, JournalEntry.StatusName(entry.Status), entry.Attempts, entry.RecordedAt,
        entry.Status is DeliveryStatus.Pending or DeliveryStatus.Retrying ? entry.NextAttemptAt : null,
        entry.LastError, entry.Intent.Reference, entry.Intent.Alerts.Count);
}

internal sealed record ReplaySummary(
    [property: JsonPropertyName("replayed")] int Replayed,
    [property: JsonPropertyName("applied")] int Applied,
    [property: JsonPropertyName("stillFailing")] IReadOnlyList<JournalView> StillFailing);

[JsonSerializable(typeof(List<JournalView>))]
[JsonSerializable(typeof(JournalView))]
[JsonSerializable(typeof(ReplaySummary))]
internal sealed partial class JournalAdminJsonContext : JsonSerializerContext;

// /api/manage/journal: what the bridge holds and why, for holders of an Admin:Tokens token; dead (or
// rejected) deliveries can be replayed once their cause is fixed (a mapping added, a key granted).
internal static class JournalAdminEndpoints
{
    public const string Route = "/api/manage/journal";
    private const int MaxReplayAll = 100;

    public static IEndpointRouteBuilder MapJournalAdmin(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Route).RequireAdmin();
        group.MapGet("", ListAsync).WithName("ListJournal");
        group.MapPost("/replay", ReplayAllAsync).WithName("ReplayJournal");
        group.MapPost("/{source}/{deliveryId}/replay", ReplayOneAsync).WithName("ReplayDelivery");
        return app;
    }

    internal static async Task<Results<JsonHttpResult<List<JournalView>>, ProblemHttpResult>> ListAsync(
        HttpRequest request, DeliveryJournal journal, CancellationToken cancellationToken)
    {
        var (status, source) = (QueryValues.Text(request, "status"), QueryValues.Text(request, "source"));
        if (!QueryValues.TryInt(request, "top", out var top, out var badTop))
        {
            return badTop;
        }

        if (!TryParseStatus(status, out var parsed))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad status",
                detail: $"'{status}' is not a delivery status; use pending, applied, retrying, rejected or dead.");
        }

        var entries = await journal.ListAsync(parsed, source, Math.Clamp(top ?? 100, 1, 1_000), cancellationToken);
        return TypedResults.Json(entries.Select(JournalView.Of).ToList(), JournalAdminJsonContext.Default.ListJournalView);
    }

    internal static async Task<Results<JsonHttpResult<JournalView>, ProblemHttpResult>> ReplayOneAsync(
        DeliveryJournal journal, DeliveryProcessor processor, DeliveryQueue queue, string source, string deliveryId, CancellationToken cancellationToken)
    {
        if (await journal.GetAsync(source, deliveryId, cancellationToken) is not { } entry)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such delivery", detail: $"The journal holds no delivery '{deliveryId}' from '{source}'.");
        }

        if (entry.Status is DeliveryStatus.Applied)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Already applied", detail: "An applied delivery is not replayed.");
        }

        var after = await ReplayAsync(journal, processor, queue, entry, cancellationToken);
        return TypedResults.Json(after, JournalAdminJsonContext.Default.JournalView);
    }

    internal static async Task<Results<JsonHttpResult<ReplaySummary>, ProblemHttpResult>> ReplayAllAsync(
        HttpRequest request, DeliveryJournal journal, DeliveryProcessor processor, DeliveryQueue queue, CancellationToken cancellationToken)
    {
        var status = QueryValues.Text(request, "status");
        if (!TryParseStatus(string.IsNullOrEmpty(status) ? "dead" : status, out var wanted) || wanted is not (DeliveryStatus.Dead or DeliveryStatus.Rejected))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad status", detail: "Replay all takes status=dead (the default) or status=rejected.");
        }

        var entries = await journal.ListAsync(wanted, source: null, MaxReplayAll, cancellationToken);
        var after = new List<JournalView>();
        foreach (var entry in entries)
        {
            after.Add(await ReplayAsync(journal, processor, queue, entry, cancellationToken));
        }

        return TypedResults.Json(
            new ReplaySummary(after.Count, after.Count(v => v.Status == "applied"), [.. after.Where(v => v.Status != "applied")]),
            JournalAdminJsonContext.Default.ReplaySummary);
    }

    /// <summary>Resets the row's attempts and tries it once now; a delivery that still does not pass goes back on the delivery queue (or, dead again, to the poison queue).</summary>
    private static async Task<JournalView> ReplayAsync(DeliveryJournal journal, DeliveryProcessor processor, DeliveryQueue queue, JournalEntry entry, CancellationToken cancellationToken)
    {
        if (await journal.ReplayAsync(entry, cancellationToken) is not { } claimed)
        {
            return JournalView.Of(entry) with { LastError = "changed by another instance meanwhile; not replayed" };
        }

        var attempt = await processor.AttemptAsync(claimed, cancellationToken);
        await queue.AfterAttemptAsync(new DeliveryMessage(claimed.Source, claimed.DeliveryId), attempt);
        return JournalView.Of(claimed) with { Status = JournalEntry.StatusName(attempt.Status), Attempts = 1, NextAttemptAt = attempt.NextAttemptAt, LastError = attempt.Error };
    }

    /// <summary>An absent status means any; anything else must name a status.</summary>
    private static bool TryParseStatus(string? text, out DeliveryStatus? status)
    {
        status = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (int.TryParse(text, out _) || !Enum.TryParse<DeliveryStatus>(text, ignoreCase: true, out var parsed))
        {
            return false;
        }

        status = parsed;
        return true;
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AssignBridge.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace AssignBridge.Cli;

// assignbridge audit alert <space> <alert id> and assignbridge audit ticket <key or reference>:
// the audit trail, against the storage configured for the bridge. Exit codes as for
// people: 0 found, 1 nothing recorded, 2 the command could not run.
internal static class AuditCommands
{
    public const string Name = "audit";

    internal static Command Build(CommandConsole console)
    {
        var audit = new Command(Name, "Read the audit trail: what the bridge asked Kibana to do, why, and what Kibana answered.");

        var space = new Argument<string>("space") { Description = "The Kibana space of the alert (default for the default space)." };
        var alertId = new Argument<string>("alert") { Description = "The alert document id (_id)." };
        var top = new Option<int>("--top") { Description = "At most this many records, newest first.", DefaultValueFactory = _ => 50 };
        var json = new Option<bool>("--json") { Description = "Print the records as JSON, as /api/manage/audit answers." };
        var alert = new Command("alert", "What the bridge did to one alert.") { space, alertId, top, json };
        alert.SetAction((r, ct) => console.RunAsync(sp => ShowAsync(console, r.GetValue(json), sp.GetRequiredService<AuditLog>().ForAlertAsync(r.GetValue(space)!, r.GetValue(alertId)!, Math.Clamp(r.GetValue(top), 1, 1_000), ct))));
        audit.Subcommands.Add(alert);

        var key = new Argument<string>("ticket") { Description = "A ticket key (jira:10002, servicenow:incident:<sys_id>) or the reference a sender gave (SOC-1234)." };
        var ticketTop = new Option<int>("--top") { Description = "At most this many records, newest first.", DefaultValueFactory = _ => 50 };
        var ticketJson = new Option<bool>("--json") { Description = "Print the records as JSON, as /api/manage/audit answers." };
        var ticket = new Command("ticket", "What one ticket or reference caused.") { key, ticketTop, ticketJson };
        ticket.SetAction((r, ct) => console.RunAsync(sp => ShowAsync(console, r.GetValue(ticketJson), sp.GetRequiredService<AuditLog>().ForTicketAsync(r.GetValue(key)!, Math.Clamp(r.GetValue(ticketTop), 1, 1_000), ct))));
        audit.Subcommands.Add(ticket);
        return audit;
    }

    internal static string Describe(AuditRecord record)
    {
        var alerts = record.AlertCount == 1 && record.Alerts.Count == 1 ? record.Alerts[0] : $"{record.AlertCount} alerts";
        var changes = string.Join(" ", record.Added.Select(u => "+" + u).Concat(record.Removed.Select(u => "-" + u)));
        var cause = string.Join(", ", new[] { record.Ticket is null ? null : $"ticket {record.Ticket}", record.Reference is null ? null : $"ref {record.Reference}" }.OfType<string>());
        var kibana = record.Result == AuditRecord.Applied
            ? $"Kibana 200: total {record.Kibana.Total}, updated {record.Kibana.Updated}, conflicts {record.Kibana.VersionConflicts}"
            : $"Kibana {record.Kibana.Status}: {record.Kibana.Message}";
        return string.Create(CultureInfo.InvariantCulture,
            $"{record.At:u} {record.Result} {record.Space}/{alerts} {changes} | {record.Source} delivery {record.DeliveryId}{(cause.Length == 0 ? "" : ", " + cause)}, asked by {record.RequestedBy ?? "?"} | {kibana}");
    }

    private static async Task<int> ShowAsync(CommandConsole console, bool json, Task<IReadOnlyList<AuditRecord>> query)
    {
        IReadOnlyList<AuditRecord> records;
        try
        {
            records = await query;
        }
        catch (AuditUnavailableException exception)
        {
            await console.Error.WriteLineAsync($"Failed: {exception.Message}");
            return 2;
        }

        if (json)
        {
            await console.Output.WriteLineAsync(JsonSerializer.Serialize(records.ToList(), AuditJsonContext.Default.ListAuditRecord));
        }
        else
        {
            foreach (var record in records)
            {
                await console.Output.WriteLineAsync(Describe(record));
            }
        }

        await console.Error.WriteLineAsync($"{records.Count} records.");
        return records.Count == 0 ? 1 : 0;
    }
}

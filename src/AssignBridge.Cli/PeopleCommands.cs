using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text;
using AssignBridge.Kibana;
using AssignBridge.People;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AssignBridge.Cli;

// assignbridge people …: administration of the mapping table, against the storage configured for the bridge
// (Storage:ConnectionString, or Storage:TableServiceUri with DefaultAzureCredential).
// Exit codes: 0 done, 1 something was invalid or not found, 2 the command could not run.
internal static class PeopleCommands
{
    public static Command Build(CommandConsole console)
    {
        var people = new Command("people", "Manage the people mapping table (namespaces: " + string.Join(", ", PersonRef.TableNamespaces) + ").");

        var file = new Argument<FileInfo>("file") { Description = "A CSV file (namespace, external id, email, Kibana UID, display name; optional header row) or a JSON array of {namespace, externalId, kibanaUid, displayName, email}." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Compare with the table and show what would change; write nothing." };
        var progress = new Option<bool>("--progress") { Description = "Show progress on stderr even when it is not a terminal." };
        var format = new Option<string?>("--format") { Description = "Input format when the file name does not say: csv or json." };
        format.AcceptOnlyFromAmong("csv", "json");
        var import = new Command("import", "Upsert mappings from a file: only added and changed rows are written, in transactions of up to 100 rows per namespace.") { file, dryRun, progress, format };
        import.SetAction((r, ct) => console.RunAsync(sp => ImportAsync(sp, console, r.GetValue(file)!, r.GetValue(dryRun), r.GetValue(progress), r.GetValue(format), ct)));
        people.Subcommands.Add(import);

        var ns = new Option<string?>("--namespace") { Description = "Only this namespace." };
        var exportFormat = new Option<string>("--format") { Description = "csv or json.", DefaultValueFactory = _ => "csv" };
        exportFormat.AcceptOnlyFromAmong("csv", "json");
        var outputFile = new Option<FileInfo?>("--output", "-o") { Description = "Write to this file instead of stdout." };
        var export = new Command("export", "Write the mappings in a form `people import` reads back.") { ns, exportFormat, outputFile };
        export.SetAction((r, ct) => console.RunAsync(sp => ExportAsync(sp, console, r.GetValue(ns), r.GetValue(exportFormat)!, r.GetValue(outputFile), ct)));
        people.Subcommands.Add(export);

        var listNs = new Option<string?>("--namespace") { Description = "Only this namespace." };
        var list = new Command("list", "List the mappings as a table.") { listNs };
        list.SetAction((r, ct) => console.RunAsync(sp => ListAsync(sp, console, r.GetValue(listNs), ct)));
        people.Subcommands.Add(list);

        var key = new Argument<string>("person") { Description = "namespace:id (an email alone means email:<email>)." };
        var get = new Command("get", "Show one mapping with its audit columns.") { key };
        get.SetAction((r, ct) => console.RunAsync(sp => GetAsync(sp, console, r.GetValue(key)!, ct)));
        people.Subcommands.Add(get);

        var setKey = new Argument<string>("person") { Description = "namespace:id (an email alone means email:<email>)." };
        var uid = new Argument<string>("uid") { Description = "The Kibana user-profile UID." };
        var displayName = new Option<string?>("--display-name") { Description = "A name for people reading the table." };
        var set = new Command("set", "Create or replace one mapping.") { setKey, uid, displayName };
        set.SetAction((r, ct) => console.RunAsync(sp => SetAsync(sp, console, r.GetValue(setKey)!, r.GetValue(uid)!, r.GetValue(displayName), ct)));
        people.Subcommands.Add(set);

        var removeKey = new Argument<string>("person") { Description = "namespace:id (an email alone means email:<email>)." };
        var remove = new Command("remove", "Delete one mapping.") { removeKey };
        remove.SetAction((r, ct) => console.RunAsync(sp => RemoveAsync(sp, console, r.GetValue(removeKey)!, ct)));
        people.Subcommands.Add(remove);

        var who = new Argument<string>("person") { Description = "namespace:id or an email." };
        var fallback = new Option<string?>("--email") { Description = "The email the sender would give as a fallback." };
        var resolve = new Command("resolve", "Show which row answers for a person and why (direct, email fallback, default, unmapped), as assignments resolve them.") { who, fallback };
        resolve.SetAction((r, ct) => console.RunAsync(sp => ResolveAsync(sp, console, r.GetValue(who)!, r.GetValue(fallback), ct)));
        people.Subcommands.Add(resolve);

        var reverseUid = new Argument<string>("uid") { Description = "The Kibana user-profile UID." };
        var reverseNs = new Option<string>("--namespace") { Description = "The namespace whose id to show: " + string.Join(", ", PersonRef.TableNamespaces) + ".", Required = true };
        var reverse = new Command("reverse", "Show the id a Kibana UID has in one namespace (the mapping set most recently, when several name it), as two-way sync writes a ticket's assignee.") { reverseUid, reverseNs };
        reverse.SetAction((r, ct) => console.RunAsync(sp => ReverseAsync(sp, console, r.GetValue(reverseUid)!, r.GetValue(reverseNs)!, ct)));
        people.Subcommands.Add(reverse);

        var search = new Option<string[]>("--search") { Description = "Search term (username, full name or email); repeat it for more. Kibana answers at most 10 profiles per term.", AllowMultipleArgumentsPerToken = true };
        var write = new Option<bool>("--write") { Description = "Write the proposed email mappings (added and changed ones) instead of only printing them." };
        var space = new Option<string?>("--space") { Description = "Kibana space whose users to look up (default Kibana:DefaultSpace)." };
        var discover = new Command("discover",
            "Propose email mappings from the Kibana user profiles of users who have logged in. Uses Kibana's INTERNAL route " +
            "GET /internal/detection_engine/users/_find, which has no compatibility promise and may change or vanish in any Kibana version.")
        { search, write, space };
        discover.SetAction((r, ct) => console.RunAsync(sp => DiscoverAsync(sp, console, r.GetValue(search) ?? [], r.GetValue(write), r.GetValue(space), ct)));
        people.Subcommands.Add(discover);
        return people;
    }

    internal static string CliUser => $"cli:{Environment.UserName}";

    private static async Task<int> ImportAsync(IServiceProvider services, CommandConsole console, FileInfo file, bool dryRun, bool showProgress, string? format, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            await console.Error.WriteLineAsync($"No such file: {file.FullName}");
            return 2;
        }

        var bytes = await File.ReadAllBytesAsync(file.FullName, cancellationToken);
        var fileFormat = format switch
        {
            "csv" => PeopleFileFormat.Csv,
            "json" => PeopleFileFormat.Json,
            _ => PeopleFile.GuessFormat(file.Name, bytes.AsSpan(0, Math.Min(bytes.Length, 64))),
        };
        var content = PeopleFile.Read(bytes, fileFormat);
        var store = services.GetRequiredService<PeopleStore>();
        var progress = showProgress || console.ErrorIsTerminal ? new ProgressLine(console.Error) : null;
        var summary = await new PeopleImporter(store).ImportAsync(content, CliUser, dryRun, progress, cancellationToken: cancellationToken);
        progress?.Finish();

        var output = console.Output;
        if (dryRun)
        {
            foreach (var change in summary.Changes)
            {
                await output.WriteLineAsync(change.Change == "add"
                    ? $"+ {change.Namespace}:{change.ExternalId} -> {change.KibanaUid}{Named(change.DisplayName)}  ({change.Location})"
                    : $"~ {change.Namespace}:{change.ExternalId} -> {change.KibanaUid}{Named(change.DisplayName)} (was {change.PreviousKibanaUid}{Named(change.PreviousDisplayName)})  ({change.Location})");
            }
        }

        foreach (var invalid in summary.Invalid)
        {
            await output.WriteLineAsync($"invalid {invalid.Location}: {invalid.Problem}");
        }

        var rate = summary.ElapsedMs > 0 && summary.Added + summary.Changed > 0 ? $", {(summary.Added + summary.Changed) * 1000.0 / summary.ElapsedMs:0} rows/s written" : "";
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{(dryRun ? "Dry run, nothing written: would add" : "Added")} {summary.Added}, {(dryRun ? "change" : "changed")} {summary.Changed}, unchanged {summary.Unchanged}, " +
            $"duplicates {summary.Duplicates}, invalid {summary.Invalid.Count} of {summary.Rows} rows, table '{store.Table.Name}', {summary.ElapsedMs} ms{(dryRun ? "" : rate)}."));
        return summary.Invalid.Count == 0 ? 0 : 1;

        static string Named(string? name) => name is null ? "" : $" \"{name}\"";
    }

    private static async Task<int> ExportAsync(IServiceProvider services, CommandConsole console, string? ns, string format, FileInfo? outputFile, CancellationToken cancellationToken)
    {
        if (ns is not null && !PersonRef.TableNamespaces.Contains(ns))
        {
            await console.Error.WriteLineAsync($"Unknown namespace '{ns}'.");
            return 2;
        }

        var store = services.GetRequiredService<PeopleStore>();
        var writer = outputFile is null ? console.Output : new StreamWriter(outputFile.FullName, append: false, new UTF8Encoding(false));
        try
        {
            var count = 0;
            if (format == "json")
            {
                var rows = new List<PersonRow>();
                await foreach (var row in store.ListAsync(ns, cancellationToken))
                {
                    rows.Add(new PersonRow(row.Namespace, row.ExternalId, row.KibanaUid, row.DisplayName));
                }

                count = rows.Count;
                await writer.WriteLineAsync(JsonSerializer.Serialize(rows, PeopleJsonContext.Default.ListPersonRow));
            }
            else
            {
                await writer.WriteLineAsync("namespace,externalId,email,kibanaUid,displayName");
                await foreach (var row in store.ListAsync(ns, cancellationToken))
                {
                    count++;
                    await writer.WriteLineAsync($"{Csv(row.Namespace)},{Csv(row.ExternalId)},,{Csv(row.KibanaUid)},{Csv(row.DisplayName)}");
                }
            }

            if (outputFile is not null)
            {
                await console.Error.WriteLineAsync($"Exported {count} rows to {outputFile.FullName}.");
            }
        }
        finally
        {
            if (outputFile is not null)
            {
                await writer.DisposeAsync();
            }
        }

        return 0;
    }

    private static async Task<int> ListAsync(IServiceProvider services, CommandConsole console, string? ns, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<PeopleStore>();
        var count = 0;
        await foreach (var row in store.ListAsync(ns, cancellationToken))
        {
            count++;
            await console.Output.WriteLineAsync($"{row.Namespace}:{row.ExternalId}\t{row.KibanaUid}\t{row.DisplayName}\t{row.UpdatedBy}\t{row.UpdatedAt:u}");
        }

        await console.Error.WriteLineAsync($"{count} rows in table '{store.Table.Name}'.");
        return 0;
    }

    private static async Task<int> GetAsync(IServiceProvider services, CommandConsole console, string text, CancellationToken cancellationToken)
    {
        if (await ParseKeyAsync(console, text) is not ({ } ns, { } id))
        {
            return 2;
        }

        var row = await services.GetRequiredService<PeopleStore>().GetAsync(ns, id, cancellationToken);
        if (row is null)
        {
            await console.Error.WriteLineAsync($"No mapping {ns}:{id}.");
            return 1;
        }

        await console.Output.WriteLineAsync(Describe(PersonView.From(row)));
        return 0;
    }

    private static async Task<int> SetAsync(IServiceProvider services, CommandConsole console, string text, string uid, string? displayName, CancellationToken cancellationToken)
    {
        if (await ParseKeyAsync(console, text) is not ({ } ns, { } id))
        {
            return 2;
        }

        var (mapping, problem) = PeopleFile.Validate("argument", ns, id, uid, displayName);
        if (mapping is null)
        {
            await console.Error.WriteLineAsync($"Not set: {problem}.");
            return 1;
        }

        var (row, created, changed) = await services.GetRequiredService<PeopleStore>().SetAsync(mapping, CliUser, cancellationToken);
        await console.Output.WriteLineAsync($"{(created ? "Added" : changed ? "Changed" : "Unchanged")}: {Describe(row)}");
        return 0;
    }

    private static async Task<int> RemoveAsync(IServiceProvider services, CommandConsole console, string text, CancellationToken cancellationToken)
    {
        if (await ParseKeyAsync(console, text) is not ({ } ns, { } id))
        {
            return 2;
        }

        if (!await services.GetRequiredService<PeopleStore>().RemoveAsync(ns, id, cancellationToken))
        {
            await console.Error.WriteLineAsync($"No mapping {ns}:{id}.");
            return 1;
        }

        await console.Output.WriteLineAsync($"Removed {ns}:{id}.");
        return 0;
    }

    private static async Task<int> ResolveAsync(IServiceProvider services, CommandConsole console, string text, string? email, CancellationToken cancellationToken)
    {
        if (PeopleAdmin.ParsePerson(text, email, out var problem) is not { } person)
        {
            await console.Error.WriteLineAsync(problem);
            return 2;
        }

        var answer = await PeopleAdmin.ResolveAsync(services.GetRequiredService<PeopleDirectory>(), services.GetRequiredService<PeopleStore>(), person, cancellationToken);
        await console.Output.WriteLineAsync($"{answer.Person}: {answer.Via} -> {answer.KibanaUid ?? "(none)"}");
        await console.Output.WriteLineAsync($"  {answer.Explanation}");
        if (answer.Row is { } row)
        {
            await console.Output.WriteLineAsync($"  row: {Describe(row)}");
        }

        return answer.KibanaUid is null ? 1 : 0;
    }

    private static async Task<int> ReverseAsync(IServiceProvider services, CommandConsole console, string uid, string ns, CancellationToken cancellationToken)
    {
        ns = ns.ToLowerInvariant();
        if (PeopleAdmin.ReverseProblem(uid, ns, "the uid", "--namespace") is { } problem)
        {
            await console.Error.WriteLineAsync(problem);
            return 2;
        }

        if (await services.GetRequiredService<PeopleDirectory>().ExternalIdAsync(uid, ns, cancellationToken) is not { } externalId)
        {
            await console.Error.WriteLineAsync(PeopleAdmin.NoReverseMapping(uid, ns));
            return 1;
        }

        await console.Output.WriteLineAsync($"{uid} -> {ns}:{externalId}");
        return 0;
    }

    private static async Task<int> DiscoverAsync(IServiceProvider services, CommandConsole console, string[] terms, bool write, string? space, CancellationToken cancellationToken)
    {
        var kibana = services.GetRequiredService<KibanaClient>();
        space ??= services.GetRequiredService<IOptions<KibanaOptions>>().Value.DefaultSpace;
        IReadOnlyList<DiscoveredMapping> found;
        try
        {
            found = await PeopleAdmin.DiscoverAsync(kibana, space, terms, cancellationToken);
        }
        catch (KibanaRequestException exception)
        {
            await console.Error.WriteLineAsync(PeopleAdmin.ExplainDiscoveryFailure(exception));
            return 2;
        }

        await console.Error.WriteLineAsync("Note: this uses Kibana's internal route /internal/detection_engine/users/_find, which may change without notice.");
        var content = new PeopleFileContent(
            [.. found.Select(m => new PersonMapping(PersonRef.EmailNamespace, m.Email, m.KibanaUid, m.DisplayName, $"profile {m.Username}"))], [], 0, found.Count);
        var summary = await new PeopleImporter(services.GetRequiredService<PeopleStore>()).ImportAsync(content, CliUser, dryRun: !write, progress: null, namesForNewRowsOnly: true, cancellationToken);
        foreach (var change in summary.Changes)
        {
            await console.Output.WriteLineAsync(change.Change == "add"
                ? $"+ email:{change.ExternalId} -> {change.KibanaUid} \"{change.DisplayName}\""
                : $"~ email:{change.ExternalId} -> {change.KibanaUid} (was {change.PreviousKibanaUid})");
        }

        await console.Output.WriteLineAsync($"{found.Count} profiles with an email; {(write ? "added" : "would add")} {summary.Added}, {(write ? "changed" : "would change")} {summary.Changed}, unchanged {summary.Unchanged}.{(write || summary.Changes.Count == 0 ? "" : " Run again with --write to write them.")}");
        return 0;
    }

    private static async Task<(string?, string?)> ParseKeyAsync(CommandConsole console, string text)
    {
        var (ns, id, problem) = PeopleStore.ParseKey(text);
        if (ns is null)
        {
            await console.Error.WriteLineAsync(problem);
        }

        return (ns, id);
    }

    private static string Describe(PersonView row) =>
        string.Create(CultureInfo.InvariantCulture, $"{row.Namespace}:{row.ExternalId} -> {row.KibanaUid}{(row.DisplayName is null ? "" : $" \"{row.DisplayName}\"")} (updated by {row.UpdatedBy ?? "?"} at {row.UpdatedAt:u})");

    // Kept by hand: Sep's writer quotes only for separators, quotes and line ends, and a value with surrounding blanks must be quoted too (the reader trims unquoted fields).
    private static string Csv(string? value) =>
        value is null ? "" : value.AsSpan().IndexOfAny(",\"\r\n") >= 0 || value != value.Trim() ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
}

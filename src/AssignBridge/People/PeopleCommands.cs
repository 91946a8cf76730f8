using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using AssignBridge.Hosting;
using Azure;
using Azure.Data.Tables;
using Azure.Identity;

namespace AssignBridge.People;

/// <summary>A row of an import file.</summary>
internal sealed record PersonRow(
    [property: JsonPropertyName("namespace")] string? Namespace,
    [property: JsonPropertyName("externalId")] string? ExternalId,
    [property: JsonPropertyName("kibanaUid")] string? KibanaUid,
    [property: JsonPropertyName("displayName")] string? DisplayName);

[JsonSerializable(typeof(List<PersonRow>))]
[JsonSourceGenerationOptions(ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true)]
internal sealed partial class PeopleJsonContext : JsonSerializerContext;

/// <summary>
/// <c>AssignBridge people …</c>: administration of the mapping table from the same executable, against the
/// storage configured for the app (Storage:ConnectionString or Storage:TableServiceUri with the Azure identity).
/// </summary>
internal static class PeopleCommands
{
    private const int BatchSize = 100; // a table transaction holds at most 100 entities of one partition

    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] == "people";

    public static async Task<int> RunAsync(string[] args)
    {
        var file = new Argument<FileInfo>("file") { Description = "A JSON array of {namespace, externalId, kibanaUid, displayName}." };
        var import = new Command("import", "Upsert mappings from a file, in batched transactions.") { file };
        import.SetAction((result, cancellationToken) => ImportAsync(result.GetValue(file)!, Console.Out, cancellationToken));
        var root = new RootCommand("AssignBridge administration") { new Command("people", "Manage the people mapping table.") { import } };
        return await root.Parse(args).InvokeAsync();
    }

    internal static async Task<int> ImportAsync(FileInfo file, TextWriter output, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            await output.WriteLineAsync($"No such file: {file.FullName}");
            return 2;
        }

        List<PersonRow> rows;
        try
        {
            await using var stream = file.OpenRead();
            rows = await JsonSerializer.DeserializeAsync(stream, PeopleJsonContext.Default.ListPersonRow, cancellationToken) ?? [];
        }
        catch (JsonException exception)
        {
            await output.WriteLineAsync($"{file.Name} is not a JSON array of people (line {exception.LineNumber + 1}): {exception.Message}");
            return 2;
        }

        var invalid = 0;
        var entities = new List<PersonEntity>();
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var problem = row switch
            {
                { Namespace: null or "" } => "namespace is missing",
                { Namespace: var ns } when !PersonRef.TableNamespaces.Contains(ns) => $"unknown namespace '{ns}'",
                { ExternalId: null or "" } => "externalId is missing",
                { KibanaUid: var uid } when string.IsNullOrWhiteSpace(uid) => "kibanaUid is missing",
                _ => null,
            };
            if (problem is not null)
            {
                invalid++;
                await output.WriteLineAsync($"row {i + 1}: {problem}");
                continue;
            }

            var id = row.Namespace == PersonRef.EmailNamespace ? PersonRef.NormalizeEmail(row.ExternalId!) : row.ExternalId!;
            entities.Add(new PersonEntity
            {
                PartitionKey = row.Namespace!,
                RowKey = RowKeys.Encode(id),
                ExternalId = id,
                KibanaUid = row.KibanaUid!.Trim(),
                DisplayName = row.DisplayName,
                UpdatedBy = $"cli:{Environment.UserName}",
                UpdatedAt = now,
            });
        }

        var table = CreateTableClient();
        await table.CreateIfNotExistsAsync(cancellationToken);
        foreach (var partition in entities.GroupBy(e => e.PartitionKey))
        {
            foreach (var batch in partition.DistinctBy(e => e.RowKey).Chunk(BatchSize))
            {
                await table.SubmitTransactionAsync(batch.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), cancellationToken);
            }
        }

        await output.WriteLineAsync($"{entities.Count} upserted, {invalid} invalid, into table '{table.Name}'.");
        return invalid == 0 ? 0 : 1;
    }

    private static TableClient CreateTableClient()
    {
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Production";
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{environment}.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        var storage = configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        var people = configuration.GetSection(PeopleOptions.SectionName).Get<PeopleOptions>() ?? new PeopleOptions();
        return storage.CreateTableServiceClient(new DefaultAzureCredential()).GetTableClient(people.TableName);
    }
}

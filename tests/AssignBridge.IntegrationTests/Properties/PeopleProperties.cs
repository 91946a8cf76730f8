using System.Net.Http.Headers;
using System.Text;
using AssignBridge.IntegrationTests.Infrastructure;
using CsCheck;
using Xunit.Abstractions;

namespace AssignBridge.IntegrationTests.Properties;

/// <summary>
/// The people admin routes with generated input: CSV and JSON import bodies (POST /api/manage/people/import) and
/// single mappings (PUT /api/manage/people/{namespace}/{id}) with hostile ids in the path.
/// </summary>
[Collection("azurite")]
public sealed class PeopleProperties(AzuriteFixture azurite, ITestOutputHelper output)
{
    public const int CsvCases = 250;
    public const int JsonCases = 250;
    public const int PutCases = 300;

    internal const string AdminToken = "admin-token-for-tests";

    private static readonly Gen<string> Namespace = Gen.Frequency((5, Gen.OneOf("jira", "slack", "email", "teams", "servicenow", "jira-dc", "JIRA")), (2, Hostile.Text));

    private static readonly Gen<string> Field = Gen.Frequency((3, Gen.OneOf("u_alice_0", "5b10ac8d82e05b22cc7d4ef5", "alice@example.com", "Alice, Analyst")), (4, Hostile.Text));

    /// <summary>A CSV field written as RFC 4180 says, or raw (breaking the row), or with an unbalanced quote.</summary>
    private static readonly Gen<string> CsvField = Gen.Select(Field, Gen.Int[0, 5], (value, how) => how switch
    {
        0 or 1 => "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"",
        2 => "\"" + value,
        _ => value,
    });

    private static readonly Gen<string> CsvRow = Gen.Frequency(
        (6, Gen.Select(Namespace.Select(n => "\"" + n.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""), CsvField.Array[4], (ns, rest) => string.Join(',', [ns, .. rest]))),
        (1, CsvField.Array[0, 40].Select(f => string.Join(',', f))));

    /// <summary>A CSV import body: optional BOM and header, rows, one line ending or a mix, sometimes invalid UTF-8.</summary>
    internal static readonly Gen<byte[]> Csv = Gen.Select(
        Gen.Bool, Gen.Frequency((3, Gen.Const("namespace,externalId,email,kibanaUid,displayName")), (1, Gen.Const("kibanaUid,namespace,externalId")), (1, Hostile.Text), (1, Gen.Const(string.Empty))),
        CsvRow.Array[0, 30], Gen.OneOf("\n", "\r\n", "\r", "\n\n"), Gen.Frequency((5, Gen.Const(-1)), (1, Gen.Int[0, 10_000])),
        (bom, header, rows, eol, invalidAt) => Hostile.Utf8((bom ? "\ufeff" : string.Empty) + string.Join(eol, header.Length == 0 ? rows : [header, .. rows]), invalidAt));

    private static readonly Gen<string> JsonRow = Gen.Frequency(
        (6, Gen.Select(Hostile.Mostly("\"jira\"", Gen.Frequency((2, Namespace.Select(Hostile.Literal)), (1, Hostile.Value))), Hostile.Mostly("\"a1\"", Hostile.Value), Hostile.Mostly("\"u_a\"", Hostile.Value),
            Gen.Null(Hostile.Value, 0.5), Gen.Null(Hostile.Value, 0.5), Hostile.Extra("namespace", "externalId", "kibanaUid"),
            (ns, id, uid, name, email, extra) => $"{{\"namespace\":{ns},\"externalId\":{id},\"kibanaUid\":{uid}" +
                (name is null ? string.Empty : $",\"displayName\":{name}") + (email is null ? string.Empty : $",\"email\":{email}") + extra + "}")),
        (1, Hostile.Value));

    /// <summary>A JSON import body: an array of rows in the file's shape, or any other JSON value.</summary>
    internal static readonly Gen<byte[]> Json = Gen.Select(
        Gen.Frequency((6, JsonRow.Array[0, 30].Select(r => "[" + string.Join(',', r) + "]")), (1, Hostile.Value), (1, Hostile.Text)),
        Gen.Frequency((6, Gen.Const(-1)), (1, Gen.Int[0, 10_000])),
        Hostile.Utf8);

    /// <summary>PUT of one mapping: hostile namespace and id in the path (percent-encoded, or with undecodable sequences), hostile body.</summary>
    internal sealed record PutCase(string Namespace, string Id, string RawId, string Body)
    {
        public string Path => $"/api/manage/people/{Hostile.Escape(Namespace)}/{Hostile.Escape(Id)}{RawId}";

        public override string ToString() => $"PUT {Hostile.Show(Path, 1_000)} {Hostile.Show(Body, 1_000)}";
    }

    internal static readonly Gen<PutCase> Put = Gen.Select(
        Namespace, Gen.Frequency((1, Gen.OneOf("x", "5b10")), (4, Hostile.Text), (1, Hostile.Long)), Hostile.RawPercent,
        Gen.Frequency(
            (5, Gen.Select(Hostile.Mostly("\"u_alice_0\"", Hostile.Value), Gen.Null(Hostile.Value, 0.5), (uid, name) => $"{{\"kibanaUid\":{uid}" + (name is null ? string.Empty : $",\"displayName\":{name}") + "}")),
            (1, Hostile.Value), (1, Hostile.Text)),
        (ns, id, raw, body) => new PutCase(ns, id, raw, body));

    [Fact]
    public async Task PeopleImport_GeneratedCsv_NoUndocumented5xx()
    {
        await using var bridge = await StartAsync();
        var property = new IngressProperty(bridge, output);
        using var client = IngressProperty.NewClient(bridge, AdminToken);

        await property.RunAsync(Gen.Select(Csv, Gen.Bool), c => ImportAsync(client, property, c.Item1, "text/csv", c.Item2), CsvCases, print: c => Hostile.Show(Encoding.UTF8.GetString(c.Item1), 3_000));
    }

    [Fact]
    public async Task PeopleImport_GeneratedJson_NoUndocumented5xx()
    {
        await using var bridge = await StartAsync();
        var property = new IngressProperty(bridge, output);
        using var client = IngressProperty.NewClient(bridge, AdminToken);

        await property.RunAsync(Gen.Select(Json, Gen.Bool), c => ImportAsync(client, property, c.Item1, "application/json", c.Item2), JsonCases, print: c => Hostile.Show(Encoding.UTF8.GetString(c.Item1), 3_000));
    }

    [Fact]
    public async Task PeoplePut_GeneratedIdsAndBodies_NoUndocumented5xx()
    {
        await using var bridge = await StartAsync();
        var property = new IngressProperty(bridge, output);
        using var client = IngressProperty.NewClient(bridge, AdminToken);

        await property.RunAsync(Put, c => PutAsync(client, property, c), PutCases);
    }

    internal async Task<BridgeHarness> StartAsync() =>
        await BridgeHarness.StartAsync(azurite, new Dictionary<string, string> { ["Admin:Tokens:ops-team"] = AdminToken });

    internal static async Task ImportAsync(HttpClient client, IngressProperty property, byte[] body, string mediaType, bool dryRun)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType) { CharSet = "utf-8" };
        using var response = await client.PostAsync(new Uri("/api/manage/people/import" + (dryRun ? "?dryRun=true" : string.Empty), UriKind.Relative), content);
        await property.AnswerAsync(response, "POST /api/manage/people/import (" + mediaType + ")");
    }

    internal static async Task PutAsync(HttpClient client, IngressProperty property, PutCase c)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(c.Body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await client.PutAsync(new Uri(c.Path, UriKind.Relative), content);
        await property.AnswerAsync(response, "PUT /api/manage/people/{namespace}/{id}");
    }
}

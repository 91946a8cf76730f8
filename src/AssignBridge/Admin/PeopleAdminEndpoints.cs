using System.Text.Json.Serialization;
using System.Text.Json;
using AssignBridge.People;
using AssignBridge.Platform.Http;
using AssignBridge.Platform.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace AssignBridge.Admin;

/// <summary>The body of <c>PUT /api/manage/people/{namespace}/{id}</c>.</summary>
internal sealed record SetPersonBody(
    [property: JsonPropertyName("kibanaUid")] string? KibanaUid,
    [property: JsonPropertyName("displayName")] string? DisplayName);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(SetPersonBody))]
[JsonSerializable(typeof(PersonView))]
[JsonSerializable(typeof(List<PersonView>))]
[JsonSerializable(typeof(ImportSummary))]
[JsonSerializable(typeof(ResolveAnswer))]
[JsonSerializable(typeof(ReverseAnswer))]
[JsonSerializable(typeof(List<DiscoveredMapping>))]
internal sealed partial class PeopleAdminJsonContext : JsonSerializerContext;

// /api/manage/people: the CLI's operations over HTTP, for administrators holding a token of Admin:Tokens.
// Writes stamp UpdatedBy = admin-api:<token label> and make the lookup cache forget the key.
internal static class PeopleAdminEndpoints
{
    // Not /api/admin/people: the Functions host reserves function routes starting with admin for its own
    // admin API ("The specified route conflicts with one or more built in routes.", azure-functions-host#1781).
    public const string Route = "/api/manage/people";
    private const int MaxSetBodyBytes = 16 * 1_024;

    public static IEndpointRouteBuilder MapPeopleAdmin(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Route).RequireAdmin();
        group.MapGet("", ListAsync).WithName("ListPeople");
        group.MapGet("/resolve", ResolveAsync).WithName("ResolvePerson");
        group.MapGet("/reverse", ReverseAsync).WithName("ReversePerson");
        group.MapPost("/import", ImportAsync).WithName("ImportPeople");
        group.MapGet("/{namespace}/{id}", GetAsync).WithName("GetPerson");
        group.MapPut("/{namespace}/{id}", PutAsync).WithName("PutPerson");
        group.MapDelete("/{namespace}/{id}", DeleteAsync).WithName("DeletePerson");
        return app;
    }

    internal static async Task<Results<JsonHttpResult<List<PersonView>>, ProblemHttpResult>> ListAsync(
        HttpRequest request, PeopleStore store, CancellationToken cancellationToken)
    {
        var @namespace = QueryValues.Text(request, "namespace");
        if (@namespace is not null && !PersonRef.TableNamespaces.Contains(@namespace))
        {
            return UnknownNamespace(@namespace);
        }

        var rows = new List<PersonView>();
        await foreach (var row in store.ListAsync(@namespace, cancellationToken))
        {
            rows.Add(row);
        }

        return TypedResults.Json(rows, PeopleAdminJsonContext.Default.ListPersonView);
    }

    internal static async Task<Results<JsonHttpResult<PersonView>, ProblemHttpResult>> GetAsync(
        PeopleStore store, string @namespace, string id, CancellationToken cancellationToken)
    {
        if (Key(@namespace, id) is not ({ } ns, { } key))
        {
            return UnknownNamespace(@namespace);
        }

        if (BadId(ns, key) is { } badId)
        {
            return badId;
        }

        return await store.GetAsync(ns, key, cancellationToken) is { } row
            ? TypedResults.Json(PersonView.From(row), PeopleAdminJsonContext.Default.PersonView)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such mapping", detail: $"The table has no row {ns}:{key}.");
    }

    internal static async Task<Results<JsonHttpResult<PersonView>, ProblemHttpResult>> PutAsync(
        HttpContext context, PeopleStore store, string @namespace, string id, CancellationToken cancellationToken)
    {
        if (Key(@namespace, id) is not ({ } ns, { } key))
        {
            return UnknownNamespace(@namespace);
        }

        if (BadId(ns, key) is { } badId)
        {
            return badId;
        }

        if (!context.Request.HasJsonContentType())
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type", detail: "Send {\"kibanaUid\",\"displayName\"?} as application/json.");
        }

        var bytes = await RequestBody.ReadAsync(context.Request, MaxSetBodyBytes, cancellationToken);
        if (bytes is null)
        {
            return TooLarge(MaxSetBodyBytes);
        }

        SetPersonBody? body;
        try
        {
            body = JsonSerializer.Deserialize(bytes, PeopleAdminJsonContext.Default.SetPersonBody);
        }
        catch (JsonException exception)
        {
            // Never the exception's own text: it names internal types.
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The body is not valid JSON",
                detail: $"JSON error at {exception.Path} (line {exception.LineNumber + 1}): send an object with kibanaUid and, optionally, displayName.");
        }

        var (mapping, problem) = PeopleFile.Validate("body", ns, key, body?.KibanaUid, body?.DisplayName, idField: "id");
        if (mapping is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The mapping is not valid", detail: problem);
        }

        var (row, created, _) = await store.SetAsync(mapping, AdminAccess.UpdatedBy(context), cancellationToken);
        return TypedResults.Json(row, PeopleAdminJsonContext.Default.PersonView, statusCode: created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        PeopleStore store, string @namespace, string id, CancellationToken cancellationToken)
    {
        if (Key(@namespace, id) is not ({ } ns, { } key))
        {
            return UnknownNamespace(@namespace);
        }

        if (BadId(ns, key) is { } badId)
        {
            return badId;
        }

        return await store.RemoveAsync(ns, key, cancellationToken)
            ? TypedResults.NoContent()
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such mapping", detail: $"The table has no row {ns}:{key}.");
    }

    /// <summary>Imports a CSV (<c>text/csv</c>) or JSON (<c>application/json</c>) body; <c>?dryRun=true</c> only compares.</summary>
    internal static async Task<Results<JsonHttpResult<ImportSummary>, ProblemHttpResult>> ImportAsync(
        HttpContext context, PeopleStore store, IOptions<AdminOptions> options, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (!QueryValues.TryBool(request, "dryRun", out var dryRun, out var badDryRun))
        {
            return badDryRun;
        }

        var mediaType = request.GetTypedHeaders().ContentType?.MediaType.Value;
        PeopleFileFormat format;
        if (request.HasJsonContentType())
        {
            format = PeopleFileFormat.Json;
        }
        else if (mediaType is "text/csv" or "application/csv")
        {
            format = PeopleFileFormat.Csv;
        }
        else
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type", detail: "Send the file as text/csv or application/json.");
        }

        var limit = options.Value.MaxImportBytes;
        var body = await RequestBody.ReadAsync(request, limit, cancellationToken);
        if (body is null)
        {
            return TooLarge(limit);
        }

        var file = PeopleFile.Read(body, format);
        var summary = await new PeopleImporter(store).ImportAsync(file, AdminAccess.UpdatedBy(context), dryRun == true, progress: null, cancellationToken: cancellationToken);
        return TypedResults.Json(summary, PeopleAdminJsonContext.Default.ImportSummary);
    }

    internal static async Task<Results<JsonHttpResult<ResolveAnswer>, ProblemHttpResult>> ResolveAsync(
        HttpRequest request, PeopleDirectory directory, PeopleStore store, CancellationToken cancellationToken)
    {
        var (person, email) = (QueryValues.Text(request, "person"), QueryValues.Text(request, "email"));
        if (string.IsNullOrWhiteSpace(person))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "No person given", detail: "Use ?person=namespace:id or ?person=<email>, optionally with &email=<fallback email>.");
        }

        if (PeopleAdmin.ParsePerson(person, email, out var problem) is not { } parsed)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not a person", detail: problem);
        }

        return TypedResults.Json(await PeopleAdmin.ResolveAsync(directory, store, parsed, cancellationToken), PeopleAdminJsonContext.Default.ResolveAnswer);
    }

    /// <summary><c>?uid=&amp;namespace=</c>: the person's external id in the namespace, as two-way sync writes a ticket's assignee.</summary>
    internal static async Task<Results<JsonHttpResult<ReverseAnswer>, ProblemHttpResult>> ReverseAsync(
        HttpRequest request, PeopleDirectory directory, CancellationToken cancellationToken)
    {
        var (uid, @namespace) = (QueryValues.Text(request, "uid"), QueryValues.Text(request, "namespace")?.ToLowerInvariant());
        if (PeopleAdmin.ReverseProblem(uid, @namespace, "uid", "namespace") is { } problem)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad reverse look-up", detail: problem + " Use ?uid=<Kibana UID>&namespace=<namespace>.");
        }

        return await directory.ExternalIdAsync(uid!, @namespace!, cancellationToken) is { } externalId
            ? TypedResults.Json(new ReverseAnswer(uid!, @namespace!, externalId), PeopleAdminJsonContext.Default.ReverseAnswer)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such mapping", detail: PeopleAdmin.NoReverseMapping(uid!, @namespace!));
    }

    private static (string? Namespace, string? Id) Key(string ns, string id)
    {
        ns = ns.ToLowerInvariant();
        return PersonRef.TableNamespaces.Contains(ns) && id.Length > 0
            ? (ns, ns == PersonRef.EmailNamespace ? PersonRef.NormalizeEmail(id) : id)
            : (null, null);
    }

    /// <summary>The route's id held to the rule every import row is: refused here rather than by the table key it cannot make.</summary>
    private static ProblemHttpResult? BadId(string ns, string key) =>
        (ns == PersonRef.EmailNamespace ? InputRules.Email("id", key) : InputRules.ExternalId("id", key)) is { } problem
            ? TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The id is not valid", detail: problem + ".")
            : null;

    private static ProblemHttpResult UnknownNamespace(string ns) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown namespace",
            detail: $"'{ns}' is not a namespace of the mapping table ({string.Join(", ", PersonRef.TableNamespaces)}).");

    private static ProblemHttpResult TooLarge(int limit) =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large",
            detail: $"The body is larger than {limit} bytes (Admin:MaxImportBytes for imports). Split the file.");
}

using AssignBridge.Audit;
using AssignBridge.Delivery;
using AssignBridge.Kibana;
using AssignBridge.People;
using AssignBridge.Platform.Functions;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace AssignBridge.Admin;

// The operators' routes under /api/manage (not /api/admin: the host reserves it), each inside the same admin guard
// the standalone routes run in (GuardedAsync).
internal static class ManageFunctions
{
    [Function("ListPeople")]
    public static Task<IResult> ListPeopleAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = "manage/people")] HttpRequest request, FunctionContext context) =>
        GuardedAsync(request, context, async () => await PeopleAdminEndpoints.ListAsync(request, context.Service<PeopleStore>(), context.CancellationToken));

    [Function("ResolvePerson")]
    public static Task<IResult> ResolvePersonAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = "manage/people/resolve")] HttpRequest request, FunctionContext context) =>
        GuardedAsync(request, context, async () => await PeopleAdminEndpoints.ResolveAsync(request, context.Service<PeopleDirectory>(), context.Service<PeopleStore>(), context.CancellationToken));

    [Function("ReversePerson")]
    public static Task<IResult> ReversePersonAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = "manage/people/reverse")] HttpRequest request, FunctionContext context) =>
        GuardedAsync(request, context, async () => await PeopleAdminEndpoints.ReverseAsync(request, context.Service<PeopleDirectory>(), context.CancellationToken));

    [Function("ImportPeople")]
    public static Task<IResult> ImportPeopleAsync([HttpTrigger(AuthorizationLevel.Function, "post", Route = "manage/people/import")] HttpRequest request, FunctionContext context) =>
        GuardedAsync(request, context, async () => await PeopleAdminEndpoints.ImportAsync(request.HttpContext, context.Service<PeopleStore>(), context.Service<IOptions<AdminOptions>>(), context.CancellationToken));

    [Function("GetPerson")]
    public static Task<IResult> GetPersonAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = "manage/people/{namespace}/{id}")] HttpRequest request, string @namespace, string id, FunctionContext context) =>
        GuardedAsync(request, context, async () => await PeopleAdminEndpoints.GetAsync(context.Service<PeopleStore>(), @namespace, id, context.CancellationToken));

    [Function("PutPerson")]
    public static Task<IResult> PutPersonAsync([HttpTrigger(AuthorizationLevel.Function, "put", Route = "manage/people/{namespace}/{id}")] HttpRequest request, string @namespace, string id, FunctionContext context) =>
        GuardedAsync(request, context, async () => await PeopleAdminEndpoints.PutAsync(request.HttpContext, context.Service<PeopleStore>(), @namespace, id, context.CancellationToken));

    [Function("DeletePerson")]
    public static Task<IResult> DeletePersonAsync([HttpTrigger(AuthorizationLevel.Function, "delete", Route = "manage/people/{namespace}/{id}")] HttpRequest request, string @namespace, string id, FunctionContext context) =>
        GuardedAsync(request, context, async () => await PeopleAdminEndpoints.DeleteAsync(context.Service<PeopleStore>(), @namespace, id, context.CancellationToken));

    [Function("ListJournal")]
    public static Task<IResult> ListJournalAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = "manage/journal")] HttpRequest request, FunctionContext context) =>
        GuardedAsync(request, context, async () => await JournalAdminEndpoints.ListAsync(request, context.Service<DeliveryJournal>(), context.CancellationToken));

    [Function("ReplayJournal")]
    public static Task<IResult> ReplayJournalAsync([HttpTrigger(AuthorizationLevel.Function, "post", Route = "manage/journal/replay")] HttpRequest request, FunctionContext context) =>
        GuardedAsync(request, context, async () => await JournalAdminEndpoints.ReplayAllAsync(request, context.Service<DeliveryJournal>(), context.Service<DeliveryProcessor>(), context.Service<DeliveryQueue>(), context.CancellationToken));

    [Function("ReplayDelivery")]
    public static Task<IResult> ReplayDeliveryAsync([HttpTrigger(AuthorizationLevel.Function, "post", Route = "manage/journal/{source}/{deliveryId}/replay")] HttpRequest request, string source, string deliveryId, FunctionContext context) =>
        GuardedAsync(request, context, async () => await JournalAdminEndpoints.ReplayOneAsync(context.Service<DeliveryJournal>(), context.Service<DeliveryProcessor>(), context.Service<DeliveryQueue>(), source, deliveryId, context.CancellationToken));

    [Function("QueryAudit")]
    public static Task<IResult> QueryAuditAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = "manage/audit")] HttpRequest request, FunctionContext context) =>
        GuardedAsync(request, context, async () => await AuditEndpoints.QueryAsync(request, context.Service<AuditLog>(), context.Service<IOptions<KibanaOptions>>(), context.CancellationToken));

    private static async Task<IResult> GuardedAsync(HttpRequest request, FunctionContext context, Func<Task<IResult>> handler) =>
        (IResult)(await AdminAccess.GuardedAsync(request.HttpContext, async () => await handler()))!;
}

using System.Text.Json;
using System.Text.RegularExpressions;
using AssignBridge.Assignments;
using AssignBridge.Kibana;
using AssignBridge.People;
using AssignBridge.Platform.Validation;
using Microsoft.Extensions.Options;

namespace AssignBridge.Sources.ServiceNow;

internal abstract record ServiceNowReading;

internal sealed record ServiceNowMalformed(string Problem) : ServiceNowReading;

internal sealed record ServiceNowIgnored(string Reason, string? DeliveryId) : ServiceNowReading;

internal sealed record ServiceNowAssignment(AssignmentIntent Intent) : ServiceNowReading;

// Turns a contract-version-1 delivery into an AssignmentIntent: delivery id table:sys_id:sys_mod_count,
// ticket servicenow:table:sys_id ordered by sys_mod_count, people in the servicenow namespace with
// their email as fallback, alerts from alert_ids and correlation_id ({rule.id}:{alert.id}).
internal sealed partial class ServiceNowEventReader(IOptions<ServiceNowOptions> options, IOptions<KibanaOptions> kibana)
{
    public const string Namespace = "servicenow";
    public const int ContractVersion = 1;

    private readonly ServiceNowOptions _options = options.Value;
    private readonly string _defaultSpace = string.IsNullOrWhiteSpace(options.Value.DefaultSpace) ? kibana.Value.DefaultSpace : options.Value.DefaultSpace.Trim();

    public ServiceNowReading Read(ServiceNowPayload payload)
    {
        if (payload.Version != ContractVersion)
        {
            return new ServiceNowMalformed(payload.Version is null
                ? $"version is missing; this bridge reads contract version {ContractVersion}."
                : $"Contract version {payload.Version} is not known; this bridge reads version {ContractVersion}.");
        }

        if (payload.Table is null || !TableName().IsMatch(payload.Table))
        {
            return new ServiceNowMalformed("table is missing or not a ServiceNow table name (e.g. incident, sn_si_incident).");
        }

        if (payload.SysId is null || !SysId().IsMatch(payload.SysId))
        {
            return new ServiceNowMalformed("sys_id is missing or not 32 hexadecimal characters.");
        }

        if (payload.SysModCount is not (>= 0 and var modCount))
        {
            return new ServiceNowMalformed("sys_mod_count is missing or negative.");
        }

        if (payload.Number is { } number && InputRules.Identifier("number", number, InputRules.MaxIdentifierLength) is { } numberProblem)
        {
            return new ServiceNowMalformed($"{numberProblem}.");
        }

        if (payload.AssignedTo.ValueKind == JsonValueKind.Undefined)
        {
            return new ServiceNowMalformed("assigned_to is missing (send null when the record is unassigned).");
        }

        var deliveryId = $"{payload.Table}:{payload.SysId.ToLowerInvariant()}:{modCount}";
        if (!TryPerson(payload.AssignedTo, "assigned_to", out var current, out var problem)
            || !TryPerson(payload.PreviousAssignedTo, "previous_assigned_to", out var previous, out problem))
        {
            return new ServiceNowMalformed(problem!);
        }

        var previousKnown = payload.PreviousAssignedTo.ValueKind != JsonValueKind.Undefined;
        if (current is null && previous is null)
        {
            return new ServiceNowIgnored(previousKnown ? "nobody was or is assigned" : "unassigned, and previous_assigned_to was not sent", deliveryId);
        }

        if (previousKnown && current == previous)
        {
            return new ServiceNowIgnored("the assignee did not change", deliveryId);
        }

        var ids = new List<string>();
        foreach (var id in (payload.AlertIds ?? []).Append(payload.CorrelationId is { } correlation && !string.IsNullOrWhiteSpace(correlation) ? AlertIds.FromCorrelationId(correlation) : null))
        {
            if (id is null)
            {
                continue;
            }

            if (InputRules.AlertId("an alert id (alert_ids or correlation_id)", id) is { } idProblem)
            {
                return new ServiceNowMalformed($"{char.ToUpperInvariant(idProblem[0])}{idProblem[1..]}.");
            }

            if (!ids.Contains(id, StringComparer.Ordinal))
            {
                ids.Add(id);
            }
        }

        if (ids.Count == 0)
        {
            return new ServiceNowIgnored("the record links no alerts (no alert_ids and no correlation_id)", deliveryId);
        }

        if (ids.Count > _options.MaxAlertIds)
        {
            return new ServiceNowMalformed($"The record links {ids.Count} alerts; at most {_options.MaxAlertIds} (ServiceNow:MaxAlertIds) are accepted.");
        }

        var space = string.IsNullOrWhiteSpace(payload.Space) ? _defaultSpace : payload.Space.Trim();
        if (InputRules.SpaceId(string.IsNullOrWhiteSpace(payload.Space) ? "ServiceNow:DefaultSpace" : "space", space) is { } spaceProblem)
        {
            return new ServiceNowMalformed($"{spaceProblem}.");
        }

        var requestedBy = payload.UpdatedBy is { } by && InputRules.Identifier("updated_by", by, 200) is null ? $"servicenow:{by}" : "servicenow";
        return new ServiceNowAssignment(new AssignmentIntent(
            ServiceNowEndpoints.Source,
            deliveryId,
            payload.Number ?? deliveryId,
            [.. ids.Select(id => new AlertRef(space, id))],
            current is null ? [] : [current],
            previous is null ? [] : [previous],
            requestedBy,
            new TicketRef($"servicenow:{payload.Table}:{payload.SysId.ToLowerInvariant()}", ServiceNowVerifier.ParseTime(payload.SysUpdatedOn), modCount)));
    }

    private bool TryPerson(JsonElement element, string name, out PersonRef? person, out string? problem)
    {
        person = null;
        problem = null;
        if (element.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            problem = $"{name} must be an object (sys_id, user_name, email) or null.";
            return false;
        }

        ServiceNowUser user;
        try
        {
            user = element.Deserialize(ServiceNowJsonContext.Default.ServiceNowUser)!;
        }
        catch (JsonException)
        {
            problem = $"{name} must be an object whose sys_id, user_name and email are strings.";
            return false;
        }

        var (id, idField) = Clean(_options.IdentityField == "sys_id" ? user.SysId : user.UserName) is { } preferred ? (preferred, _options.IdentityField)
            : Clean(user.SysId) is { } sysId ? (sysId, "sys_id")
            : (Clean(user.UserName), "user_name");
        var email = Clean(user.Email);
        if (id is null && email is null)
        {
            return true; // ServiceNow sends empty strings for an empty reference: nobody.
        }

        if (((id is null ? null : InputRules.ExternalId($"{name}.{idField}", id)) ?? (email is null ? null : InputRules.Email($"{name}.email", email))) is { } personProblem)
        {
            problem = $"{personProblem}.";
            return false;
        }

        person = id is null ? PersonRef.ForEmail(email!) : new PersonRef(Namespace, id, email is null ? null : PersonRef.NormalizeEmail(email));
        return true;
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [GeneratedRegex("^[a-z][a-z0-9_]{0,79}$", RegexOptions.CultureInvariant)]
    private static partial Regex TableName();

    [GeneratedRegex("^[0-9a-fA-F]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex SysId();
}

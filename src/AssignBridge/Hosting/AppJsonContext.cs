using System.Text.Json.Serialization;
using AssignBridge.Assignments;
using AssignBridge.Kibana;

namespace AssignBridge.Hosting;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SetAlertAssigneesBody))]
[JsonSerializable(typeof(UpdateByQueryResponse))]
[JsonSerializable(typeof(AssignmentResponse))]
[JsonSerializable(typeof(AcceptedResponse))]
[JsonSerializable(typeof(AssignBridge.Reconciliation.ReconcileReport))]
[JsonSerializable(typeof(HealthAnswer))]
[JsonSerializable(typeof(IReadOnlyList<SpaceOutcome>))]
[JsonSerializable(typeof(IReadOnlyList<ResolvedPerson>))]
[JsonSerializable(typeof(IReadOnlyList<UnresolvedPerson>))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(KibanaFailure))]
internal sealed partial class AppJsonContext : JsonSerializerContext;

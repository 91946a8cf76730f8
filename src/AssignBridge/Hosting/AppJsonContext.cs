using System.Text.Json.Serialization;
using AssignBridge.Assignments;
using AssignBridge.AssignmentsApi;
using AssignBridge.Health;
using AssignBridge.Reconciliation;

namespace AssignBridge.Hosting;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AssignmentResponse))]
[JsonSerializable(typeof(AcceptedResponse))]
[JsonSerializable(typeof(ReconcileReport))]
[JsonSerializable(typeof(HealthAnswer))]
[JsonSerializable(typeof(IReadOnlyList<SpaceOutcome>))]
[JsonSerializable(typeof(IReadOnlyList<ResolvedPerson>))]
[JsonSerializable(typeof(IReadOnlyList<UnresolvedPerson>))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(KibanaFailure))]
internal sealed partial class AppJsonContext : JsonSerializerContext;

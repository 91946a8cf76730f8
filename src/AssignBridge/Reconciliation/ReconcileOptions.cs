using System.ComponentModel.DataAnnotations;
using Cronos;
using Microsoft.Extensions.Options;

namespace AssignBridge.Reconciliation;

/// <summary>
/// The reconciliation sweep: overdue journal rows are queued again, old audit rows deleted and, with
/// <see cref="DriftCheck"/>, bridge-managed assignees that went missing in Kibana put back.
/// </summary>
internal sealed class ReconcileOptions : IValidatableObject
{
    public const string SectionName = "Reconcile";

    /// <summary>NCRONTAB with seconds, as the Functions timer takes it. Standalone runs follow it; on Azure the timer function does (app setting Reconcile__Schedule).</summary>
    public string Schedule { get; set; } = "0 */5 * * * *";

    /// <summary>Whether a standalone process schedules reconciliation itself (never under the Functions host, whose timer does).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Overdue journal rows queued again per run.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>
    /// How long past its next attempt time a journal row may stay before the sweep takes its message for lost and
    /// queues it again. Longer than a busy queue takes to reach a message; a duplicate is harmless, only wasted work.
    /// </summary>
    [Range(0, 86_400)]
    public int RequeueGraceSeconds { get; set; } = 300;

    /// <summary>Time a run may take; what is left waits for the next run.</summary>
    [Range(1, 3_600)]
    public int MaxSeconds { get; set; } = 60;

    /// <summary>After the due deliveries, compare recently managed alerts with Kibana and put back bridge-managed assignees that went missing.</summary>
    public bool DriftCheck { get; set; }

    /// <summary>How far back "recently managed" reaches.</summary>
    [Range(1, 24 * 90)]
    public int DriftWindowHours { get; set; } = 24;

    /// <summary>Managed assignees compared per run.</summary>
    [Range(1, 100_000)]
    public int DriftBatchSize { get; set; } = 500;

    public CronExpression ParseSchedule() => CronExpression.Parse(Schedule, CronFormat.IncludeSeconds);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        string? problem = null;
        try
        {
            ParseSchedule();
        }
        catch (CronFormatException exception)
        {
            problem = $"Reconcile:Schedule '{Schedule}' is not an NCRONTAB expression with seconds (for example \"0 */5 * * * *\"): {exception.Message}";
        }

        if (problem is not null)
        {
            yield return new ValidationResult(problem, [nameof(Schedule)]);
        }
    }
}

/// <summary>Checks the data annotations of <see cref="ReconcileOptions"/> with generated code.</summary>
[OptionsValidator] internal sealed partial class ReconcileOptionsValidator : IValidateOptions<ReconcileOptions>;

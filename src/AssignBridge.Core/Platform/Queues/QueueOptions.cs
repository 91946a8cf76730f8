using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AssignBridge.Platform.Queues;

/// <summary>
/// The delivery queue. Under the Functions host the queue trigger's own behaviour is set in host.json
/// (<c>extensions.queues</c>); the values here are what the standalone poller does in its place, and they default to
/// the same numbers.
/// </summary>
internal sealed class QueueOptions
{
    public const string SectionName = "Queue";

    /// <summary>The queue the [QueueTrigger] function listens to; its poison queue is <c>{name}-poison</c>.</summary>
    public const string DefaultName = "deliveries";

    /// <summary>The queue of assignment notices (Slack/Teams incoming webhooks), beside the delivery queue.</summary>
    public const string DefaultNoticesName = DefaultName + NoticesSuffix;

    private const string NoticesSuffix = "-notices";

    /// <summary>The queue name. Only a standalone run (tests) may change it: the trigger under the host listens to <see cref="DefaultName"/>.</summary>
    [Required]
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,46}[a-z0-9]$", ErrorMessage = "Queue:Name must be a legal queue name of at most 48 characters (lowercase letters, digits, single hyphens), so that its notice and poison queues are legal too.")]
    public string Name { get; set; } = DefaultName;

    /// <summary>Whether a standalone process polls the queue itself (never under the Functions host, whose listener does).</summary>
    public bool Poll { get; set; } = true;

    /// <summary>Messages taken per poll (host.json <c>batchSize</c>).</summary>
    [Range(1, 32)]
    public int BatchSize { get; set; } = 16;

    /// <summary>The next batch is fetched once no more than this many messages are still being handled (host.json <c>newBatchThreshold</c>).</summary>
    [Range(0, 1_000)]
    public int NewBatchThreshold { get; set; } = 8;

    /// <summary>
    /// Retries waiting because Kibana was down that an instance remembers, to make them due at once when Kibana applies
    /// a request again (each a few hundred bytes of memory; 20000 is a sensible bound). Off (0) by default: each release
    /// is a queue delete and send per held message, and on Azurite, whose queue operations grow with the queue, a
    /// backlog of 5,000 drained in 383 s with it against 138 s without (docs/performance.md). Measure it against
    /// Queue Storage before turning it on.
    /// </summary>
    [Range(0, 100_000)]
    public int HeldRetries { get; set; }

    /// <summary>How long a message whose handling failed stays hidden before it is tried again (host.json <c>visibilityTimeout</c>).</summary>
    [Range(0, 3_600)]
    public int VisibilityTimeoutSeconds { get; set; } = 30;

    /// <summary>Failed handlings of one message before it goes to the poison queue (host.json <c>maxDequeueCount</c>).</summary>
    [Range(1, 100)]
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>The longest pause between polls of an empty queue (host.json <c>maxPollingInterval</c>).</summary>
    [Range(100, 60_000)]
    public int PollingIntervalMilliseconds { get; set; } = 2_000;

    /// <summary>The bound of one attempt made from the queue; well inside host.json's <c>functionTimeout</c> (5 minutes).</summary>
    [Range(1, 240)]
    public int AttemptSeconds { get; set; } = 60;

    public string NoticesName => Name + NoticesSuffix;
}

/// <summary>Checks the data annotations of <see cref="QueueOptions"/> with generated code.</summary>
[OptionsValidator] internal sealed partial class QueueOptionsValidator : IValidateOptions<QueueOptions>;

using AssignBridge.Delivery;
using AssignBridge.Platform.Functions;
using AssignBridge.Platform.Queues;
using AssignBridge.Reconciliation;
using Microsoft.Azure.Functions.Worker;

namespace AssignBridge.Functions;

/// <summary>What the host triggers on its own: the reconcile timer (one instance at a time: the host's singleton lock) and the delivery queue.</summary>
internal static class BackgroundFunctions
{
    /// <summary>The sweep and drift check on <c>Reconcile:Schedule</c> (app setting <c>Reconcile__Schedule</c>); not on start-up, which every scale-out would repeat.</summary>
    [Function("Reconcile")]
    public static async Task ReconcileAsync([TimerTrigger("%Reconcile:Schedule%", RunOnStartup = false)] TimerInfo timer, FunctionContext context)
    {
        if (timer.IsPastDue)
        {
            Reconciliation.Log.PastDue(context.Service<ILogger<ReconcileService>>());
        }

        await context.Service<ReconcileService>().RunAsync(context.CancellationToken);
    }

    // One delivery message. A throw (the journal unreadable) leaves the retry to the host (host.json
    // extensions.queues) and, after maxDequeueCount, the move to deliveries-poison.
    [Function("ApplyDelivery")]
    public static Task ApplyDeliveryAsync([QueueTrigger(QueueOptions.DefaultName, Connection = "AzureWebJobsStorage")] string message, FunctionContext context) =>
        HandleAsync(context.Service<DeliveryWork>(), message, context);

    /// <summary>One assignment notice for the Slack/Teams incoming webhooks: best effort, sent once.</summary>
    [Function("SendNotice")]
    public static Task SendNoticeAsync([QueueTrigger(QueueOptions.DefaultNoticesName, Connection = "AzureWebJobsStorage")] string message, FunctionContext context) =>
        HandleAsync(context.Service<Notifications.AssignmentNotifier>(), message, context);

    /// <summary>As the standalone poller does: a message that is not ours goes to the poison queue at once (trying again cannot make it readable).</summary>
    private static async Task HandleAsync(IQueueWork work, string message, FunctionContext context)
    {
        if ((await work.HandleAsync(message, DequeueCount(context), context.CancellationToken)).Unreadable)
        {
            await work.Poison.SendMessageAsync(message, context.CancellationToken);
        }
    }

    /// <summary>The trigger's DequeueCount, for the logs; read leniently, since nothing but a log line depends on it.</summary>
    private static long DequeueCount(FunctionContext context) =>
        context.BindingContext.BindingData.TryGetValue("DequeueCount", out var value)
            && long.TryParse(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var count)
            ? count
            : 0;
}

using AssignBridge.Journal;
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

    /// <summary>
    /// One delivery message. A throw (the journal unreadable) leaves the retry to the host (host.json
    /// <c>extensions.queues</c>) and, after <c>maxDequeueCount</c>, the move to <c>deliveries-poison</c>.
    /// </summary>
    [Function("ApplyDelivery")]
    public static async Task ApplyDeliveryAsync([QueueTrigger(QueueOptions.DefaultName, Connection = "AzureWebJobsStorage")] string message, long dequeueCount, FunctionContext context)
    {
        if (DeliveryMessage.Parse(message) is not { } delivery)
        {
            // Not ours: the poison queue keeps it for someone to look at; trying again cannot make it readable.
            Journal.Log.UnreadableMessage(context.Service<ILogger<DeliveryQueueHandler>>(), message.Length);
            await context.Service<DeliveryQueue>().Poison.SendMessageAsync(message, context.CancellationToken);
            return;
        }

        await context.Service<DeliveryQueueHandler>().HandleAsync(delivery, dequeueCount, context.CancellationToken);
    }
}

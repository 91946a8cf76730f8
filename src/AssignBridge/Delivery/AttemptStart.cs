using AssignBridge.Kibana;






namespace AssignBridge.Delivery;

// What the caller of an attempt started before it: the delivery's announcement to the Kibana batcher (so that a
// request gathering company waits for it while it is journaled or claimed) and the read of its ticket's newest
// applied event (which went alongside the journal write).
internal sealed record AttemptStart(KibanaBatcher.Expectation? OnItsWay, Task<TicketMark?>? TicketRead = null);

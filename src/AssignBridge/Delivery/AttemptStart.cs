using AssignBridge.Kibana;

namespace AssignBridge.Delivery;

// What the caller of an attempt started before it: the delivery's announcement to the Kibana batcher (so that a
// request gathering company waits for it while it is journaled or claimed) and, when TicketKnown, the ticket's newest
// applied event as the journal write confirmed it (null: none applied), so the attempt need not read it.
internal sealed record AttemptStart(KibanaBatcher.Expectation? OnItsWay, TicketMark? Ticket = null, bool TicketKnown = false);

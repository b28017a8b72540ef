// The users' load during the coexistence period (SPEC §1 message paths, §2 workload): they
// keep working while their mailboxes move, and where their mail goes changes with each move.
//
// Background load, both fidelities: every load interval, per server, the users' database
// I/O, transaction logs (log disk and log space), client traffic (Outlook to the mailbox
// server; OWA and POP/IMAP through a Client Access or front-end server) and CPU. On every
// disk, NIC, LAN and WAN link the interval's rate is taken off the capacity (at most 98 %;
// the rest waits for the next interval), so the moves share what the users leave; the
// probes count both. CPU work runs as capped activities that share the cores with the
// moves'. (Background flows sharing max-min with the moves made the field case's solver
// time explode: thousands of coupled flows re-solved on every chunk of every move.)
//
// Mail transport, by simulation.mail_flow:
//   per_message  every message is an actor walking its path (SPEC §1): network hops with
//                their SMTP or RPC round trips and bytes, a FIFO queue and CPU at every Hub
//                Transport (exponential service demand), SMTP relays on 2003, the store on
//                submission and delivery. Arrivals are Poisson within each load interval.
//   aggregate    the same volumes per interval and hop as background activities; latency
//                from the path's round trips and transfer times plus an M/M/c queue
//                (Erlang C) at each hub for that interval's arrivals.
#pragma once

#include <memory>
#include <vector>

#include "calibration.hpp"
#include "mailboxes.hpp"
#include "migration.hpp"
#include "platform.hpp"
#include "recording.hpp"
#include "scenario.hpp"
#include "site_graph.hpp"
#include "storage.hpp"

namespace coexlab::sim {

class MailFlowModel;

// Whether the scenario has users to simulate: a workload, and not ideal mode.
bool has_mail_flow(const Scenario& s, const CostModel& cost);
// Which fidelity a scenario gets (auto: per message up to per_message_limit messages a day).
MailFlowMode mail_flow_mode(const Scenario& s, const CostModel& cost,
                            const std::vector<Mailbox>& mailboxes);

// Creates the channels (before Platform::seal). The users' logs fill `storage`'s log disks
// (sim/storage.hpp). The model lives until the engine is done.
std::shared_ptr<MailFlowModel> prepare_mail_flow(const Scenario& s, const CostModel& cost,
                                                 Platform& platform, const SiteGraph& graph,
                                                 Recording& recording, Storage& storage,
                                                 const std::vector<Mailbox>& mailboxes);
// The moves tell it who is offline and where each mailbox lives.
MoveObserver& mail_flow_observer(MailFlowModel& m);
// Bytes of the users' background traffic on a link until `now`, beside the flows SimGrid
// counts on it (the probes add both).
double background_bytes(const MailFlowModel& m, const sg4::Link* link, double now);
// Per 2007 hub (server index): the meter link its queue database I/O crosses (for probes).
std::vector<std::pair<int, sg4::Link*>> hub_queue_meters(const MailFlowModel& m);
void start_mail_flow(const std::shared_ptr<MailFlowModel>& m);
// Closes the statistics at the end of the simulated period.
void finish_mail_flow(const std::shared_ptr<MailFlowModel>& m, double end_time);

}  // namespace coexlab::sim

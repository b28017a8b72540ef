// The users' load during the coexistence period (SPEC §1 message paths, §2 workload): they
// keep working while their mailboxes move, and where their mail goes changes with each move.
// The model is put together from:
//   models/population.hpp   who lives where, who is offline for a move, recipients drawn
//   background_load.hpp     each interval's database, log, client and CPU load per server
//   mail_paths.hpp          every mail path once, each hop with its network path's id
//   mail_transport.hpp      mail transport per message or aggregated (simulation.mail_flow)
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

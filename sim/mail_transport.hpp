// Mail transport, the two fidelities of simulation.mail_flow behind one interface:
//   per_message  every message is an actor walking its path (SPEC §1): network hops with
//                their SMTP or RPC round trips and bytes, a FIFO queue and CPU at every Hub
//                Transport (exponential service demand), SMTP relays on 2003, the store on
//                submission and delivery. Arrivals are Poisson within each load interval.
//   aggregate    the same volumes per interval and hop as background activities; latency
//                from the path's round trips and transfer times plus an M/M/c queue
//                (Erlang C) at each hub for that interval's arrivals.
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "background_load.hpp"
#include "calibration.hpp"
#include "mail_paths.hpp"
#include "migration.hpp"
#include "platform.hpp"
#include "population.hpp"
#include "recording.hpp"
#include "scenario.hpp"
#include "storage.hpp"

namespace coexlab::sim {

// What both fidelities read and feed: the users, their paths, the background load.
struct MailContext {
  const Scenario& s;
  const CostModel& cost;
  Platform& platform;
  Recording& rec;
  const Storage& storage;  // whether each server's databases are mounted
  UserPopulation& users;
  const MailPaths& paths;
  BackgroundLoad& load;
  std::vector<double> site_factor;  // this interval's day-shape factor per site
};

// A 2007 Hub (or Edge) Transport server's queue and its statistics.
struct Hub {
  int server = -1;
  sg4::Link* meter = nullptr;  // its queue database I/O crosses it (probes)
  double clock = 0;
  int cores = 1;
  double io_time = 0;  // queue database I/O time of one message on an idle disk
  double messages = 0, wait_sum = 0, sojourn_sum = 0, in_hub_integral = 0, peak = 0;
};
// A hub on `server` with its meter (before Platform::seal).
Hub make_hub(const MailContext& c, int server);
// The statistics a hub reports at `end`.
HubQueueStats hub_stats(const MailContext& c, const Hub& h, double end);
// Whether a server is a 2007 transport server.
bool is_transport(const Server& sv);
// Mail delayed by a move: `messages` that waited `mean` seconds, the longest `longest`.
void note_delay(MailRecording& mail, double messages, double mean, double longest);

class MailTransport {
 public:
  virtual ~MailTransport() = default;
  // After Platform::seal, before the engine runs.
  virtual void start() = 0;
  // The load interval [t0, t0 + dt) begins: called before the background load is issued.
  virtual void plan_interval(double t0, double dt) = 0;
  // After it was issued, for the interval [t0, t1) (the users' actor; may sleep up to t1).
  virtual void run_interval(double t0, double t1) = 0;
  // The move of `mailbox` ended: mail held for it goes on.
  virtual void move_ended(int mailbox) = 0;
  // Closes the statistics at the end of the simulated period.
  virtual void finish(double end) = 0;
  // Per hub (server index): the meter link of its queue database I/O.
  virtual std::vector<std::pair<int, sg4::Link*>> hub_meters() const = 0;
};

// Both create their channels or routes at once (before Platform::seal).
std::unique_ptr<MailTransport> make_per_message_transport(MailContext& c);
std::unique_ptr<MailTransport> make_aggregate_transport(MailContext& c);

}  // namespace coexlab::sim

// The users' side of the coexistence period, as pure arithmetic (no SimGrid): the day shape
// of their load, what one user asks of the servers per day, the class of a message path,
// and the queueing formula that the aggregated mail flow uses for a transport server.
#pragma once

#include <string_view>
#include <vector>

#include "calibration.hpp"
#include "mailboxes.hpp"
#include "scenario.hpp"
#include "site_graph.hpp"

namespace coexlab {

// Load factor at a local time of the week (seconds since Monday 00:00 local), averaging 1
// over a working day. office_hours: a diurnal curve (8 % of a working day's load in the
// twelve night hours, the peak 11 % an hour late in the morning), weekends at 10 % of a
// working day; flat: 1 at every hour of every day. A profile's "per day" is per working day.
double day_shape_factor(DayShape shape, double local_second_of_week);

// What one user asks per working day, on the version of the server that holds the mailbox.
struct UserDemand {
  double sent = 0;               // messages the user sends
  double internet_in = 0;        // messages arriving from the internet for the user
  Bytes message_size{0};         // per message
  double database_iops = 0;      // busy-day average random I/Os per second (UserCost)
  double read_fraction = 0;      // of those I/Os
  Bytes cache{0};                // database cache the user needs (2007)
  Bytes log_bytes{0};            // transaction log per day
  double client_operations = 0;  // client requests per day (Outlook, OWA, POP/IMAP)
  Bytes client_bytes{0};         // bytes between client and server per day, both ways
};

// received_per_day includes internet mail (SPEC §2); the internal share of what a user
// receives is taken equal to the internal share of what the average user sends, so the
// internet brings max(0, received - sent x (1 - internet share)).
UserDemand user_demand(const Profile& p, ExchangeVersion v, const RecipientMix& mix,
                       const CostModel& cost);

// The read I/O multiplier of a mailbox server whose database cache is smaller than its
// users need: sqrt(needed / available), at least 1 (a model choice, unverified: a cache half
// the size misses about 1.4 times as often on a working set with the usual skew). 2007:
// memory minus 2 GB base against the sum of the users' cache. 2003: its 32-bit cache stops
// near 900 MB whatever the RAM, which the 2003 IOPS table already assumes; less memory than
// 900 MB + 1 GB for the system raises the reads the same way.
double cache_read_factor(const Server& server, Bytes users_cache);

// Path classes that mail_flow reports (SPEC §4 and the coexistence-load issue).
enum class PathClass { legacy, cross_version, modern_same_site, modern_cross_site, internet };
std::string_view to_string(PathClass c);
// From the versions of sender and recipient and their sites (recipient_site < 0: internet).
PathClass classify_path(ExchangeVersion from, ExchangeVersion to, int from_site, int to_site,
                        bool internet);

// Mean waiting time in queue (not counting service) of an M/M/c queue with arrival rate
// `lambda` (1/s), mean service time `service` (s) and `servers` servers (Erlang C). Infinite
// when the queue is unstable (lambda x service >= servers).
double mmc_mean_wait(double lambda, double service, int servers);

// The internet connector server: connectors.internet, else the Edge, else the first 2003
// bridgehead, else the first 2007 hub (SPEC §1); -1 when none.
int internet_connector(const Scenario& s);

}  // namespace coexlab

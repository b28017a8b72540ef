// The users during the coexistence period, as domain state (no SimGrid): who lives on which
// server now, who is offline for a move, what each group of users asks of its server per
// working day, and where a message's recipient is drawn from (SPEC §2 recipient mix).
#pragma once

#include <array>
#include <map>
#include <utility>
#include <vector>

#include "calibration.hpp"
#include "mail_model.hpp"
#include "mailboxes.hpp"
#include "random.hpp"
#include "scenario.hpp"

namespace coexlab {

// Users of one original database who now live on one server and are online: their
// per-working-day demand, summed.
struct Population {
  double users = 0;
  double sent = 0;               // messages sent per day
  double internet_in = 0;        // messages from the internet per day
  double sent_bytes = 0;         // bytes sent per day (for the mean message size)
  double in_bytes = 0;           // bytes from the internet per day
  double iops = 0;               // database I/O per second (average working day)
  double read_iops = 0;          // of which reads (before the cache factor)
  double cache = 0;              // bytes of cache the users need (2007)
  double log_bytes = 0;          // per day
  double client_ops = 0;         // per day
  double client_bytes = 0;       // per day, both directions
  double client_bytes_sent = 0;  // per day, client -> server

  // One user joins (sign +1) or leaves (-1).
  void add(const UserDemand& d, double sign);
};

// Users per server (server index -> users), for drawing where a recipient lives.
using ServerCounts = std::map<int, double>;

// One user moves from `from` to `to` (a server left with no user disappears).
void move_count(ServerCounts& where, int from, int to);
// A server drawn in proportion to its users, u in [0, 1); -1 when there is none.
int draw_server(const ServerCounts& where, double u);
// Where the users of every site but one live (all minus own, servers with more than half a
// user left); `own` itself when that leaves nobody (mail stays in a single site).
ServerCounts other_sites_where(const ServerCounts& all, const ServerCounts& own);

class UserPopulation {
 public:
  // Every mailbox is a user of its profile (`average` when the profile is unknown).
  UserPopulation(const Scenario& s, const CostModel& cost, const std::vector<Mailbox>& mailboxes);

  using Key = std::pair<int, int>;  // (server now, original database)
  // The online users, grouped by where they live and where they came from (ordered: sums
  // over it are deterministic).
  const std::map<Key, Population>& groups() const { return groups_; }

  int home_server(int mailbox) const { return home_server_[size_t(mailbox)]; }
  int original_database(int mailbox) const { return original_db_[size_t(mailbox)]; }
  // Site of a global database index (servers' databases numbered in order).
  int database_site(int original_db) const { return db_site_[size_t(original_db)]; }
  // Per mailbox: the site its user works in (its original database's).
  const std::vector<int>& user_sites() const { return user_site_; }

  // The user is offline while the mailbox moves (`now`: the move's start).
  void move_started(int mailbox, double now);
  // Online again where the mailbox lives now (its source when the move failed).
  void move_ended(int mailbox, int server);
  bool moving(int mailbox) const { return moving_[size_t(mailbox)]; }
  // Mailboxes being moved, in the order their moves started.
  const std::vector<int>& moving_list() const { return moving_list_; }
  double move_start(int mailbox) const { return move_start_[size_t(mailbox)]; }

  // The users a recipient is drawn from: one original database's, one site's, or every
  // other site's (a single site's own when there is no other).
  struct RecipientSet {
    enum class Kind { database, site, other_sites } kind = Kind::database;
    int index = 0;  // the database or the site
  };
  bool in_set(int mailbox, const RecipientSet& set) const;
  RecipientSet other_sites_set(int site) const;
  const ServerCounts& database_where(int original_db) const {
    return db_where_[size_t(original_db)];
  }
  const ServerCounts& site_where(int site) const { return site_where_[size_t(site)]; }
  ServerCounts other_sites_where(int site) const;

  struct Recipient {
    int server = -1;  // -1: the internet
    int moving = -1;  // a mailbox being moved (its mail waits for the move), or -1
  };
  // Where a message from a user of original database `o` goes, by the recipient mix.
  Recipient draw_recipient(int o, const RecipientMix& mix, RandomStream& rng) const;

 private:
  const UserDemand& demand_of(int mailbox) const;
  Population& group(int server, int original_db) { return groups_[{server, original_db}]; }
  Recipient pick(const ServerCounts& where, const RecipientSet& set, RandomStream& rng) const;

  const Scenario& s_;
  std::vector<std::array<UserDemand, 2>> profiles_;                      // per profile: 2003, 2007
  std::vector<int> profile_of_, original_db_, home_server_, user_site_;  // per mailbox
  std::vector<int> db_site_;                                             // per global database
  std::map<Key, Population> groups_;
  // Who lives where, for recipients: per original database, per original site, overall.
  std::vector<ServerCounts> db_where_, site_where_;
  ServerCounts all_where_;
  std::vector<bool> moving_;      // by mailbox
  std::vector<int> moving_list_;  // in the order their moves started
  std::vector<double> move_start_;
};

}  // namespace coexlab

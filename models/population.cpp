#include "population.hpp"

#include <algorithm>
#include <string>

#include "profiles.hpp"

namespace coexlab {

void Population::add(const UserDemand& d, double sign) {
  users += sign;
  sent += sign * d.sent;
  internet_in += sign * d.internet_in;
  sent_bytes += sign * d.sent * d.message_size.value;
  in_bytes += sign * d.internet_in * d.message_size.value;
  iops += sign * d.database_iops;
  read_iops += sign * d.database_iops * d.read_fraction;
  cache += sign * d.cache.value;
  log_bytes += sign * d.log_bytes.value;
  client_ops += sign * d.client_operations;
  client_bytes += sign * d.client_bytes.value;
  const double messages = d.sent + d.internet_in;
  const double sent_share = messages > 0 ? d.sent / (d.sent + d.internet_in) : 0.5;
  client_bytes_sent += sign * d.client_bytes.value * std::min(0.5, sent_share);
}

void move_count(ServerCounts& where, int from, int to) {
  if (--where[from] <= 0) where.erase(from);
  where[to] += 1;
}

int draw_server(const ServerCounts& where, double u) {
  double total = 0;
  for (const auto& [server, n] : where) total += n;
  double x = u * total;
  for (const auto& [server, n] : where) {
    if ((x -= n) < 0) return server;
  }
  return where.empty() ? -1 : where.rbegin()->first;
}

ServerCounts other_sites_where(const ServerCounts& all, const ServerCounts& own) {
  ServerCounts other;
  for (const auto& [server, n] : all) {
    const auto it = own.find(server);
    const double rest = n - (it == own.end() ? 0 : it->second);
    if (rest > 0.5) other[server] = rest;
  }
  return other.empty() ? own : other;
}

UserPopulation::UserPopulation(const Scenario& s, const CostModel& cost,
                               const std::vector<Mailbox>& mailboxes)
    : s_(s) {
  std::vector<int> db_base;  // per server: global index of its first database
  for (const Server& sv : s.servers) {
    db_base.push_back(int(db_site_.size()));
    for (size_t d = 0; d < sv.databases.size(); ++d) db_site_.push_back(s.site_index(sv.site));
  }
  db_where_.resize(db_site_.size());
  site_where_.resize(s.sites.size());
  std::map<std::string, int> profile_index;
  for (const Mailbox& m : mailboxes) {
    auto [it, added] = profile_index.emplace(m.profile, int(profiles_.size()));
    if (added) {
      const Profile* p = find_profile(s, m.profile);
      const Profile profile = p ? *p : *find_profile(s, "average");
      profiles_.push_back(
          {user_demand(profile, ExchangeVersion::v2003, s.workload.recipients, cost),
           user_demand(profile, ExchangeVersion::v2007, s.workload.recipients, cost)});
    }
    profile_of_.push_back(it->second);
    const int o = db_base[size_t(m.server)] + m.database;
    original_db_.push_back(o);
    home_server_.push_back(m.server);
    user_site_.push_back(db_site_[size_t(o)]);
    db_where_[size_t(o)][m.server] += 1;
    site_where_[size_t(db_site_[size_t(o)])][m.server] += 1;
    all_where_[m.server] += 1;
    group(m.server, o).add(demand_of(int(profile_of_.size() - 1)), +1);
  }
  moving_.assign(mailboxes.size(), false);
  move_start_.assign(mailboxes.size(), 0.0);
}

const UserDemand& UserPopulation::demand_of(int mailbox) const {
  const auto& d = profiles_[size_t(profile_of_[size_t(mailbox)])];
  return s_.servers[size_t(home_server_[size_t(mailbox)])].is_2003() ? d[0] : d[1];
}

void UserPopulation::move_started(int mailbox, double now) {
  const auto m = size_t(mailbox);
  group(home_server_[m], original_db_[m]).add(demand_of(mailbox), -1);
  moving_[m] = true;
  moving_list_.push_back(mailbox);
  move_start_[m] = now;
}

void UserPopulation::move_ended(int mailbox, int server) {
  const auto m = size_t(mailbox);
  moving_[m] = false;
  moving_list_.erase(std::find(moving_list_.begin(), moving_list_.end(), mailbox));
  const int from = home_server_[m];
  if (server != from) {
    move_count(db_where_[size_t(original_db_[m])], from, server);
    move_count(site_where_[size_t(user_site_[m])], from, server);
    move_count(all_where_, from, server);
  }
  home_server_[m] = server;
  group(server, original_db_[m]).add(demand_of(mailbox), +1);
}

bool UserPopulation::in_set(int mailbox, const RecipientSet& set) const {
  switch (set.kind) {
    case RecipientSet::Kind::database:
      return original_db_[size_t(mailbox)] == set.index;
    case RecipientSet::Kind::site:
      return user_site_[size_t(mailbox)] == set.index;
    case RecipientSet::Kind::other_sites:
      return user_site_[size_t(mailbox)] != set.index;
  }
  return false;
}

ServerCounts UserPopulation::other_sites_where(int site) const {
  return coexlab::other_sites_where(all_where_, site_where_[size_t(site)]);
}

UserPopulation::RecipientSet UserPopulation::other_sites_set(int site) const {
  return {other_sites_where(site) == site_where_[size_t(site)] ? RecipientSet::Kind::site
                                                               : RecipientSet::Kind::other_sites,
          site};
}

UserPopulation::Recipient UserPopulation::draw_recipient(int o, const RecipientMix& mix,
                                                         RandomStream& rng) const {
  double u = rng.uniform();
  const int site = db_site_[size_t(o)];
  if ((u -= mix.internet.value) < 0) return {};
  if ((u -= mix.same_database.value) < 0)
    return pick(db_where_[size_t(o)], {RecipientSet::Kind::database, o}, rng);
  if ((u -= mix.same_site.value) < 0)
    return pick(site_where_[size_t(site)], {RecipientSet::Kind::site, site}, rng);
  return pick(other_sites_where(site), other_sites_set(site), rng);
}

// A user of the set: one being moved with its share of the set (its mailbox is locked),
// else by where the set's mailboxes live.
UserPopulation::Recipient UserPopulation::pick(const ServerCounts& where, const RecipientSet& set,
                                               RandomStream& rng) const {
  double total = 0;
  for (const auto& [server, n] : where) total += n;
  int moving = 0;
  for (int m : moving_list_) moving += in_set(m, set) ? 1 : 0;
  if (moving > 0 && total > 0) {
    int k = int(rng.uniform() * total);
    if (k < moving) {
      for (int m : moving_list_) {
        if (in_set(m, set) && k-- == 0) return {home_server_[size_t(m)], m};
      }
    }
  }
  return {draw_server(where, rng.uniform()), -1};
}

}  // namespace coexlab

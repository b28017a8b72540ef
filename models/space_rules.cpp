#include "space_rules.hpp"

#include <map>

#include <fmt/format.h>

#include "mailboxes.hpp"

namespace coexlab {

void check_database_space(const Scenario& s, Diagnostics& d) {
  const std::vector<Mailbox> mailboxes = generate_mailboxes(s);
  std::vector<double> held(s.servers.size(), 0.0);  // bytes on each server at the start
  std::map<std::pair<int, int>, double> by_database;
  for (const Mailbox& m : mailboxes) {
    held[size_t(m.server)] += m.size.value;
    by_database[{m.server, m.database}] += m.size.value;
  }
  for (size_t i = 0; i < s.servers.size(); ++i) {
    const Server& sv = s.servers[i];
    const auto& capacity = sv.hardware.database_disk.capacity;
    if (!capacity || held[i] <= capacity->value) continue;
    // Point at the database that crosses the line.
    double sum = 0;
    for (size_t k = 0; k < sv.databases.size(); ++k) {
      sum += by_database[{int(i), int(k)}];
      if (sum <= capacity->value) continue;
      d.error(
          sv.databases[k].mailboxes.pos,
          fmt::format("'{}' holds {} of mailboxes, more than its database disk's capacity "
                      "{}: give the disk a larger capacity or fewer mailboxes",
                      sv.name, units::format_bytes(Bytes{held[i]}), units::format_bytes(*capacity)),
          "space");
      break;
    }
  }
  // What the plan sends to each target, batch by batch in queue order.
  const std::vector<MoveRequest> queue = build_move_queue(s, mailboxes);
  std::vector<double> incoming(s.servers.size(), 0.0);
  std::vector<bool> warned(s.servers.size(), false);
  for (const MoveRequest& r : queue) {
    const size_t t = size_t(r.target_server);
    incoming[t] += mailboxes[size_t(r.mailbox)].size.value;
    const Server& sv = s.servers[t];
    const auto& capacity = sv.hardware.database_disk.capacity;
    if (!capacity || warned[t] || held[t] + incoming[t] <= capacity->value) continue;
    warned[t] = true;
    double total = 0;
    for (const MoveRequest& q : queue) {
      if (q.target_server == r.target_server) total += mailboxes[size_t(q.mailbox)].size.value;
    }
    const Batch& b = s.migration.batches[size_t(r.batch)];
    d.warning(
        b.pos,
        fmt::format("the plan sends {} to '{}', whose database disk holds {} ({} "
                    "already there): from batch '{}' on, the disk fills and its "
                    "databases dismount",
                    units::format_bytes(Bytes{total}), sv.name, units::format_bytes(*capacity),
                    units::format_bytes(Bytes{held[t]}), b.name),
        "space");
  }
}

}  // namespace coexlab

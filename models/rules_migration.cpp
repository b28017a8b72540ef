// The migration plan (L9, L10, L11, windows, the scheduler) and the management-tool rule of
// the operations.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "checks.hpp"
#include "loader.hpp"
#include "mail_model.hpp"
#include "mailboxes.hpp"
#include "profiles.hpp"
#include "rules_impl.hpp"
#include "scenario_keys.hpp"
#include "scheduler.hpp"
#include "site_graph.hpp"
#include "space_rules.hpp"
#include "windows.hpp"

namespace coexlab {

void RuleChecker::migration() {
  const Migration& m = s_.migration;
  // Internet connector and legacy web access are checked here too: they name servers.
  if (!s_.connectors.internet_via.empty() &&
      server_ref(s_.connectors.internet_via, s_.connectors.internet_pos, "connectors.internet")) {
    const Server& v = *s_.find_server(s_.connectors.internet_via);
    const bool ok = v.has(Role::edge_transport) || (v.is_2007() && v.has(Role::hub_transport)) ||
                    (v.is_2003() && v.has(Role::bridgehead));
    if (!ok) {
      d_.error(s_.connectors.internet_pos,
               fmt::format("connectors.internet via '{}': internet mail enters through an "
                           "Edge, a 2007 hub_transport or a 2003 bridgehead",
                           v.name));
    }
  }
  if (s_.workload.legacy_web_access == LegacyWebAccess::front_end &&
      std::none_of(s_.servers.begin(), s_.servers.end(),
                   [](const Server& x) { return x.is_2003() && x.has(Role::front_end); })) {
    d_.error(s_.workload.pos,
             "workload legacy_web_access is front_end, but there is no 2003 "
             "front_end server; use client_access");
  }
  if (!m.present) {
    // What `run` cannot do, validate refuses: a move plan needs a mover. (No position: the
    // scenario itself was not a mapping, which is reported.)
    if (m.pos.line == 0) return;
    d_.error(m.pos, m.written_null
                        ? "migration is empty: it needs at least a 'mover' and 'batches'"
                        : "the scenario has no 'migration' (required: at least its 'mover' "
                          "and 'batches')");
    return;
  }
  // L10: the mover is a 2007 server that is not an Edge.
  if (server_ref(m.mover, m.mover_pos, "migration mover")) {
    const Server& mv = *s_.find_server(m.mover);
    if (mv.is_2003()) {
      d_.error(m.mover_pos,
               fmt::format("migration mover '{}' is an Exchange 2003 server (L10): "
                           "2003 tools cannot move mailboxes to 2007; run "
                           "Move-Mailbox from a 2007 server",
                           mv.name),
               "L10");
    } else if (mv.has(Role::edge_transport)) {
      d_.error(m.mover_pos,
               fmt::format("migration mover '{}' is an Edge Transport server "
                           "(L10): it is outside the domain; run Move-Mailbox "
                           "from a 2007 server in an AD site",
                           mv.name),
               "L10");
    }
  }
  if (!make_scheduler(m.scheduler)) {
    std::string list;
    for (auto nm : scheduler_names()) list += (list.empty() ? "" : ", ") + std::string(nm);
    d_.error(m.scheduler_pos, fmt::format("unknown scheduler '{}'; known: {}{}", m.scheduler, list,
                                          suggestion(m.scheduler, scheduler_names())));
  }
  for (auto [i, j] : overlapping_windows(m.windows, s_.start, s_.simulation.horizon)) {
    d_.error(m.windows[j].pos, fmt::format("move window {} overlaps window {} (line {}): "
                                           "merge them into one",
                                           j + 1, i + 1, m.windows[i].pos.line));
  }
  // L9: sources are mailbox databases, targets 2007 mailbox databases; a mailbox in at
  // most one batch.
  std::map<std::pair<std::string, std::string>, std::pair<const Batch*, std::int64_t>> taken;
  for (const Batch& b : m.batches) {
    const bool from_ok = database_ref(b.from, b.from_pos, fmt::format("batch '{}' from", b.name));
    const bool to_ok = database_ref(b.to, b.to_pos, fmt::format("batch '{}' to", b.name));
    if (to_ok && s_.find_server(b.to.server)->is_2003()) {
      d_.error(b.to_pos,
               fmt::format("batch '{}' moves to '{}', an Exchange 2003 database "
                           "(L9): targets are 2007 mailbox databases",
                           b.name, b.to.text()),
               "L9");
    }
    if (from_ok && to_ok && b.from.server == b.to.server && b.from.database == b.to.database) {
      d_.error(b.to_pos, fmt::format("batch '{}' moves '{}' onto itself", b.name, b.from.text()));
    }
    if (!from_ok) continue;
    const Database& db = *s_.find_database(b.from);
    // A count above the database's is a warning, not an error: the batch takes them all
    // (SPEC §2: "a count N takes the first N"), as a --set or --vary of the database's
    // count may well intend; but not silently.
    if (b.mailboxes.kind == BatchSelection::Kind::count && b.mailboxes.count > db.mailboxes.count) {
      d_.warning(b.mailboxes_pos.line > 0 ? b.mailboxes_pos : b.pos,
                 fmt::format("batch '{}' asks for {} mailboxes, but database '{}' holds only "
                             "{}: it takes those {}",
                             b.name, b.mailboxes.count, b.from.text(), db.mailboxes.count,
                             db.mailboxes.count),
                 "batch");
    }
    const std::int64_t take = batch_take(b.mailboxes, db.mailboxes.count);
    if (take == 0) {
      d_.warning(b.pos,
                 fmt::format("batch '{}' selects no mailbox: database '{}' holds {}", b.name,
                             b.from.text(), db.mailboxes.count),
                 "batch");
      continue;
    }
    auto key = std::make_pair(b.from.server, b.from.database);
    auto it = taken.find(key);
    if (it != taken.end()) {
      d_.error(b.pos,
               fmt::format("batch '{}' and batch '{}' both take mailbox {} (L9): a "
                           "mailbox is in at most one batch; each batch takes the first "
                           "mailboxes of its database",
                           b.name, it->second.first->name,
                           mailbox_id(b.from.server, b.from.database, 1)),
               "L9");
      continue;
    }
    taken.emplace(key, std::make_pair(&b, take));
  }
  // L11: coexistence kept after the last move.
  if (!d_.has_errors()) {
    std::int64_t left_on_2003 = 0, total_2003 = 0;
    std::vector<std::string> servers_2003;
    for (const Server& sv : s_.servers) {
      if (!sv.is_2003()) continue;
      servers_2003.push_back(sv.name);
      for (const Database& db : sv.databases) {
        total_2003 += db.mailboxes.count;
        auto it = taken.find({sv.name, db.name});
        left_on_2003 += db.mailboxes.count - (it == taken.end() ? 0 : it->second.second);
      }
    }
    if (!servers_2003.empty() && total_2003 > 0 && left_on_2003 == 0) {
      d_.warning(m.pos,
                 fmt::format("the plan moves every 2003 mailbox but keeps {} (L11): once "
                             "public folders, free/busy and the offline address book "
                             "are moved to 2007, decommission the 2003 servers",
                             join(servers_2003, ", ")),
                 "L11");
    } else if (left_on_2003 > 0 && !m.batches.empty()) {
      d_.warning(m.pos,
                 fmt::format("{} of {} mailboxes stay on Exchange 2003 after the last "
                             "batch (L11): coexistence, and its routing group "
                             "connector traffic, continues",
                             left_on_2003, total_2003),
                 "L11");
    }
  }
}

void RuleChecker::operations() {
  for (const Operation& op : s_.operations) {
    if (!database_ref(op.database, op.pos, fmt::format("operation {}", to_string(op.action))))
      continue;
    const Server& sv = *s_.find_server(op.database.server);
    const bool tool_2003 = op.tool == AdminTool::aduc_2003 || op.tool == AdminTool::esm_2003;
    if (tool_2003 && sv.is_2007()) {
      d_.error(op.pos,
               fmt::format("operation {} with {} on '{}': Exchange 2003 tools cannot "
                           "manage 2007 mailboxes; use emc or ems",
                           to_string(op.action), to_string(op.tool), op.database.text()),
               "tools");
    } else if (!tool_2003 && sv.is_2003() && op.action == OperationAction::create_mailbox) {
      d_.error(op.pos,
               fmt::format("operation create_mailbox with {} on '{}': Exchange 2007 "
                           "tools manage 2003 mailboxes but cannot create them; use "
                           "aduc_2003",
                           to_string(op.tool), op.database.text()),
               "tools");
    }
    if (op.to && database_ref(*op.to, op.pos, "operation move_mailbox to")) {
      if (tool_2003 && s_.find_server(op.to->server)->is_2007()) {
        d_.error(op.pos,
                 fmt::format("operation move_mailbox with {} to '{}': 2003 tools "
                             "cannot move mailboxes to 2007; use Move-Mailbox (ems) or "
                             "emc",
                             to_string(op.tool), op.to->text()),
                 "tools");
      }
    }
  }
}

}  // namespace coexlab

// The migration (mover, throttles, windows, batches) and the administrative operations.
#include "loader_impl.hpp"

#include <cctype>

#include <fmt/format.h>
#include "windows.hpp"

namespace coexlab {

using units::Dimension;

void Loader::load_window(const YAML::Node& e, const CivilTime& start, Migration& m) {
  Window w;
  w.pos = pos(e);
  if (!check_map(e, "migration.windows[]", "a move window")) return;
  const YAML::Node from = require(e, "from", "a move window");
  const YAML::Node to = require(e, "to", "a move window");
  if (!from.IsDefined() || !to.IsDefined()) return;
  auto from_text = scalar(from, "window from");
  auto to_text = scalar(to, "window to");
  if (!from_text || !to_text) return;
  const bool from_weekly =
      !from_text->empty() && std::isalpha(static_cast<unsigned char>((*from_text)[0]));
  const bool to_weekly =
      !to_text->empty() && std::isalpha(static_cast<unsigned char>((*to_text)[0]));
  if (from_weekly != to_weekly) {
    error(e,
          "a move window mixes a weekly time and a date-time: give both as 'Fri 20:00' "
          "(weekly) or both as '2007-06-08T20:00' (once)");
    return;
  }
  std::string err;
  if (from_weekly) {
    w.weekly = true;
    auto f = parse_weekly_time(*from_text, &err);
    if (!f) {
      error(from, "window from: " + err);
      return;
    }
    auto t = parse_weekly_time(*to_text, &err);
    if (!t) {
      error(to, "window to: " + err);
      return;
    }
    if (*f == *t) {
      error(e, fmt::format("move window {} -> {} is empty (from equals to); for an always-open "
                           "migration omit 'windows'",
                           *from_text, *to_text));
      return;
    }
    w.from_minute_of_week = *f;
    w.to_minute_of_week = *t;
  } else {
    w.weekly = false;
    if (!start_ok_) return;
    auto f = instant(from, start, "window from");
    auto t = instant(to, start, "window to");
    if (!f || !t) return;
    if (*t <= *f) {
      error(e, fmt::format("move window {} -> {} is empty: 'to' must be after 'from'", *from_text,
                           *to_text));
      return;
    }
    w.from = *f;
    w.to = *t;
  }
  m.windows.push_back(w);
}

void Loader::load_batches(const YAML::Node& n, const CivilTime& start, Migration& m) {
  if (!check_sequence(n, "migration batches")) return;
  int index = 0;
  for (const YAML::Node& e : n) {
    ++index;
    Batch b;
    b.pos = pos(e);
    b.name = fmt::format("batch{}", index);
    if (!check_map(e, "migration.batches[]", "a batch")) continue;
    if (present(e["name"])) {
      if (auto nm = name(e["name"], "batch name")) b.name = *nm;
    }
    const std::string what = fmt::format("batch '{}'", b.name);
    if (auto v = require(e, "from", what); v.IsDefined()) {
      b.from_pos = pos(v);
      if (auto r = database_ref(v, what + " from")) b.from = *r;
    }
    if (auto v = require(e, "to", what); v.IsDefined()) {
      b.to_pos = pos(v);
      if (auto r = database_ref(v, what + " to")) b.to = *r;
    }
    if (present(e["mailboxes"])) {
      const YAML::Node sel = e["mailboxes"];
      b.mailboxes_pos = pos(sel);
      if (auto text = scalar(sel, what + " mailboxes")) {
        if (*text == "all") {
          b.mailboxes.kind = BatchSelection::Kind::all;
        } else if (text->find('%') != std::string::npos) {
          if (auto q = quantity(sel, Dimension::share, what + " mailboxes", 0, 1)) {
            b.mailboxes.kind = BatchSelection::Kind::share;
            b.mailboxes.share = Fraction{*q};
          }
        } else if (auto c = integer(sel, what + " mailboxes ('all', a count or a share)", 1,
                                    Limits::kMaxMailboxesPerDatabase)) {
          b.mailboxes.kind = BatchSelection::Kind::count;
          b.mailboxes.count = *c;
        }
      }
    }
    if (present(e["not_before"]) && start_ok_) {
      b.not_before = instant(e["not_before"], start, what + " not_before");
    }
    m.batches.push_back(std::move(b));
  }
}

void Loader::load_migration(const YAML::Node& n, Scenario& s) {
  Migration& m = s.migration;
  m.pos = pos(n);
  if (!check_map(n, "migration", "migration")) return;
  m.present = true;
  if (auto v = require(n, "mover", "migration"); v.IsDefined()) {
    m.mover_pos = pos(v);
    if (auto nm = name(v, "migration mover")) m.mover = *nm;
  }
  if (present(n["max_threads"])) {
    if (auto t = integer(n["max_threads"], "migration max_threads", 1, Limits::kMaxThreads)) {
      m.max_threads = static_cast<int>(*t);
      if (*t > Limits::kFastThreads) {
        diags_.warning(
            pos(n["max_threads"]),
            fmt::format("migration max_threads = {}: a real Move-Mailbox runs tens of threads, "
                        "and the simulation's cost grows faster than the thread count (SimGrid "
                        "shares every link among all running moves): measured 5,000 mailboxes "
                        "in 0.9 s with 100 threads, 4.1 s with 400, 9.3 s with 1,000; a larger "
                        "plan with 1,000 threads took 195 s (docs/limits.md)",
                        *t),
            "threads");
      }
    }
  }
  m.scheduler_pos = m.pos;
  if (present(n["scheduler"])) {
    m.scheduler_pos = pos(n["scheduler"]);
    if (auto sc = name(n["scheduler"], "migration scheduler")) m.scheduler = *sc;
  }
  if (present(n["order_seed"])) {
    m.order_seed = integer(n["order_seed"], "migration order_seed", 0, Limits::kMaxOrderSeed);
  }
  if (present(n["throttles"])) {
    const YAML::Node t = n["throttles"];
    if (check_map(t, "migration.throttles", "migration throttles")) {
      const auto get = [&](const char* key, std::optional<int>& out) {
        if (!present(t[key])) return;
        if (auto v = integer(t[key], fmt::format("throttle {}", key), 1, 1'000'000)) {
          out = static_cast<int>(*v);
        }
      };
      get("per_source_database", m.throttles.per_source_database);
      get("per_target_database", m.throttles.per_target_database);
      get("per_source_server", m.throttles.per_source_server);
      get("per_target_server", m.throttles.per_target_server);
    }
  }
  if (present(n["bad_item_limit"])) {
    if (auto b = integer(n["bad_item_limit"], "migration bad_item_limit", 0, 1'000'000'000)) {
      m.bad_item_limit = static_cast<int>(*b);
    }
  }
  if (present(n["windows"]) && check_sequence(n["windows"], "migration windows")) {
    if (n["windows"].size() > kMaxMoveWindows) {
      error(n["windows"], fmt::format("{} move windows exceed the limit of {}: merge adjacent "
                                      "ones",
                                      n["windows"].size(), kMaxMoveWindows));
    } else {
      for (const YAML::Node& e : n["windows"]) load_window(e, s.start, m);
    }
  }
  if (present(n["on_window_end"])) {
    if (auto p = enumeration<WindowEndPolicy>(
            n["on_window_end"], "migration on_window_end",
            {{"finish", WindowEndPolicy::finish}, {"cancel", WindowEndPolicy::cancel}})) {
      m.on_window_end = *p;
    }
  }
  if (present(n["batches"])) load_batches(n["batches"], s.start, m);
}

void Loader::load_operations(const YAML::Node& n, Scenario& s) {
  if (!check_sequence(n, "operations")) return;
  for (const YAML::Node& e : n) {
    Operation op;
    op.pos = pos(e);
    if (!check_map(e, "operations[]", "an operation")) continue;
    if (auto v = require(e, "action", "an operation"); v.IsDefined()) {
      if (auto a =
              enumeration<OperationAction>(v, "operation action",
                                           {{"create_mailbox", OperationAction::create_mailbox},
                                            {"modify_mailbox", OperationAction::modify_mailbox},
                                            {"remove_mailbox", OperationAction::remove_mailbox},
                                            {"move_mailbox", OperationAction::move_mailbox}})) {
        op.action = *a;
      }
    }
    if (auto v = require(e, "tool", "an operation"); v.IsDefined()) {
      if (auto t = enumeration<AdminTool>(v, "operation tool",
                                          {{"aduc_2003", AdminTool::aduc_2003},
                                           {"esm_2003", AdminTool::esm_2003},
                                           {"emc", AdminTool::emc},
                                           {"ems", AdminTool::ems}})) {
        op.tool = *t;
      }
    }
    if (auto v = require(e, "database", "an operation"); v.IsDefined()) {
      if (auto r = database_ref(v, "operation database")) op.database = *r;
    }
    if (present(e["to"])) {
      if (op.action != OperationAction::move_mailbox) {
        error(e["to"], "operation 'to' is only for action move_mailbox");
      } else if (auto r = database_ref(e["to"], "operation to")) {
        op.to = *r;
      }
    } else if (op.action == OperationAction::move_mailbox) {
      error(e, "a move_mailbox operation needs 'to' (the target database)");
    }
    s.operations.push_back(std::move(op));
  }
}

}  // namespace coexlab

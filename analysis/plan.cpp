#include "plan.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "calendar.hpp"
#include "coexlab/version.hpp"
#include "csv.hpp"

namespace coexlab {

namespace {

std::string iso_at(const Scenario& s, double t) {
  return civil_at(s.start, t).iso();
}

// "Fri 2007-06-01 20:00", for people.
std::string day_at(const Scenario& s, double t) {
  return civil_at(s.start, t).human();
}

std::string database_text(const Scenario& s, int server, int database) {
  const Server& sv = s.servers[size_t(server)];
  return sv.name + "/" + sv.databases[size_t(database)].name;
}

// The window a time belongs to: the one containing it, or the first after it; nullopt after
// the last.
std::optional<size_t> window_index(const std::vector<Interval>& windows, double t) {
  const auto it = std::upper_bound(windows.begin(), windows.end(), t,
                                   [](double x, const Interval& w) { return x < w.to.value; });
  if (it == windows.end()) return std::nullopt;
  return size_t(it - windows.begin());
}

}  // namespace

std::string mailbox_identity(const Mailbox& mb) {
  return mb.identity.empty() ? mb.id : mb.identity;
}

std::string mailbox_name(const Mailbox& mb) {
  return mb.name;
}

std::string identity_source(const std::vector<Mailbox>& mailboxes) {
  size_t from_inventory = 0;
  for (const Mailbox& mb : mailboxes) from_inventory += mb.identity.empty() ? 0 : 1;
  const std::string generated =
      "the generated mailbox ids SERVER/DATABASE/NNNN;\n"
      "#   replace them with the real identities (alias, e-mail address or GUID) before running";
  if (from_inventory == 0) return "no inventory in the scenario: " + generated;
  if (from_inventory == mailboxes.size())
    return "the inventory's MailboxGuid (else LegacyDN, else DisplayName) of every mailbox";
  return fmt::format(
      "the inventory's MailboxGuid (else LegacyDN, else DisplayName) for {} mailboxes; for "
      "the {} others (no inventory),\n#   {}",
      from_inventory, mailboxes.size() - from_inventory, generated);
}

std::string ps_single_quoted(std::string_view text) {
  std::string out = "'";
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\'') {
      out += "''";
      continue;
    }
    // U+2018..U+201B in UTF-8: E2 80 98..9B. PowerShell ends a single-quoted string on them too.
    if (static_cast<unsigned char>(c) == 0xE2 && i + 2 < text.size() &&
        static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        static_cast<unsigned char>(text[i + 2]) >= 0x98 &&
        static_cast<unsigned char>(text[i + 2]) <= 0x9B) {
      const std::string_view q = text.substr(i, 3);
      out += q;
      out += q;
      i += 2;
      continue;
    }
    out += c;
  }
  return out + "'";
}

Plan make_plan(const RunData& run, const PlanOptions& options) {
  const Scenario& s = run.scenario;
  const std::vector<Interval> windows =
      expand_windows(s.migration.windows, s.start, s.simulation.horizon);

  struct Simulated {
    bool started = false;
    double start = 0, end = 0;
    int thread = 0;
  };
  std::vector<Simulated> sim(run.queue.size());
  for (const MoveAttempt& a : run.recording.attempts) {  // in start order
    Simulated& m = sim[size_t(a.queue_index)];
    if (!m.started) {
      m.started = true;
      m.start = a.start.value;
      m.thread = a.thread;
    }
    m.end = std::max(m.end, a.end.value);
  }

  // Each started mailbox in its home window, in predicted start order (ties: queue order).
  std::vector<std::vector<int>> home(windows.size());
  std::vector<int> never;  // never started, or after every window (cannot happen: moves
                           // start inside windows), in queue order
  std::vector<int> started;
  for (const MoveRequest& r : run.queue) {
    if (sim[size_t(r.queue_index)].started)
      started.push_back(r.queue_index);
    else
      never.push_back(r.queue_index);
  }
  std::stable_sort(started.begin(), started.end(),
                   [&](int a, int b) { return sim[size_t(a)].start < sim[size_t(b)].start; });
  for (int q : started) {
    if (const auto k = window_index(windows, sim[size_t(q)].start))
      home[*k].push_back(q);
    else
      never.push_back(q);
  }

  const double m = options.margin;
  const int threads = std::max(1, s.migration.max_threads);
  Plan plan;
  std::vector<int> carry;  // pushed by the margin, oldest first
  int wave_number = 0;
  for (size_t k = 0; k < windows.size(); ++k) {
    const Interval& w = windows[k];
    const double limit = w.from.value + (1 - m) * (w.to.value - w.from.value);
    std::vector<PlannedMailbox> members;
    std::vector<int> pushed_own, carry_next;
    std::map<int, double> thread_free;  // by mover thread
    for (int t = 1; t <= threads; ++t) thread_free[t] = w.from.value;
    for (int q : home[k]) {
      const Simulated& x = sim[size_t(q)];
      if (m > 0 && x.end > limit) {
        pushed_own.push_back(q);
        continue;
      }
      members.push_back({q, std::nullopt, x.start, x.end, false});
      thread_free[x.thread] = std::max(thread_free[x.thread], x.end);
    }
    for (int q : carry) {
      const Simulated& x = sim[size_t(q)];
      const double duration = x.end - x.start;
      auto best = thread_free.begin();  // the thread that frees first, ties: the lowest
      for (auto it = thread_free.begin(); it != thread_free.end(); ++it) {
        if (it->second < best->second) best = it;
      }
      const double start = std::max(best->second, w.from.value);
      if (start + duration <= limit || start <= w.from.value) {
        members.push_back({q, std::nullopt, start, start + duration, true});
        best->second = start + duration;
      } else {
        carry_next.push_back(q);
      }
    }
    carry_next.insert(carry_next.end(), pushed_own.begin(), pushed_own.end());
    carry = std::move(carry_next);
    if (members.empty()) continue;

    PlanWave wave;
    wave.number = ++wave_number;
    wave.window = w;
    wave.fill_limit = limit;
    std::stable_sort(
        members.begin(), members.end(),
        [](const PlannedMailbox& a, const PlannedMailbox& b) { return *a.start < *b.start; });
    for (PlannedMailbox& p : members) {
      p.wave = wave.number;
      ++wave.mailboxes;
      wave.bytes += run.mailboxes[size_t(run.queue[size_t(p.queue_index)].mailbox)].size.value;
      wave.predicted_end = std::max(wave.predicted_end, *p.end);
      wave.first_start = wave.mailboxes == 1 ? *p.start : std::min(wave.first_start, *p.start);
      plan.rows.push_back(p);
    }
    plan.waves.push_back(wave);
  }
  // Unplanned: never started (queue order), then pushed past the last window (oldest first).
  std::sort(never.begin(), never.end());
  never.insert(never.end(), carry.begin(), carry.end());
  for (int q : never) {
    PlannedMailbox p;
    p.queue_index = q;
    p.by_margin = std::find(carry.begin(), carry.end(), q) != carry.end();
    plan.rows.push_back(p);
    ++plan.unplanned;
    plan.unplanned_bytes += run.mailboxes[size_t(run.queue[size_t(q)].mailbox)].size.value;
  }
  return plan;
}

std::string plan_csv(const RunData& run, const Plan& plan) {
  const Scenario& s = run.scenario;
  std::map<int, const PlanWave*> waves;
  for (const PlanWave& w : plan.waves) waves[w.number] = &w;
  std::string out =
      "wave,window_start,window_end,mailbox,name,identity,source,target,predicted_start,"
      "predicted_end,predicted_by,size_bytes,items\n";
  for (const PlannedMailbox& p : plan.rows) {
    const MoveRequest& r = run.queue[size_t(p.queue_index)];
    const Mailbox& mb = run.mailboxes[size_t(r.mailbox)];
    const PlanWave* w = p.wave ? waves.at(*p.wave) : nullptr;
    out += fmt::format(
        "{},{},{},{},{},{},{},{},{},{},{},{:.0f},{}\n",
        p.wave ? std::to_string(*p.wave) : "unplanned", w ? iso_at(s, w->window.from.value) : "",
        w ? iso_at(s, w->window.to.value) : "", csv_field(mb.id), csv_field(mailbox_name(mb)),
        csv_field(mailbox_identity(mb)), database_text(s, r.source_server, r.source_database),
        database_text(s, r.target_server, r.target_database), p.start ? iso_at(s, *p.start) : "",
        p.end ? iso_at(s, *p.end) : "", !p.wave ? "" : (p.by_margin ? "margin" : "simulation"),
        mb.size.value, mb.items);
  }
  return out;
}

std::string waves_csv(const RunData& run, const Plan& plan) {
  const Scenario& s = run.scenario;
  std::string out =
      "wave,window_start,window_end,mailboxes,bytes,predicted_end,spare_s,fill_limit,"
      "finish_chance\n";
  for (const PlanWave& w : plan.waves) {
    out += fmt::format("{},{},{},{},{:.0f},{},{:.3f},{},{}\n", w.number,
                       iso_at(s, w.window.from.value), iso_at(s, w.window.to.value), w.mailboxes,
                       w.bytes, iso_at(s, w.predicted_end), w.window.to.value - w.predicted_end,
                       iso_at(s, w.fill_limit),
                       w.finish_chance ? fmt::format("{:.4f}", *w.finish_chance) : "");
  }
  if (plan.unplanned > 0)
    out += fmt::format("unplanned,,,{},{:.0f},,,,\n", plan.unplanned, plan.unplanned_bytes);
  return out;
}

std::string plan_ps1(const RunData& run, const Plan& plan, const PlanOptions& options) {
  const Scenario& s = run.scenario;
  const Migration& mig = s.migration;
  // A header of comments: what the script is, where its identities come from.
  const std::string title =
      fmt::format("coexlab wave plan: scenario {}, seed {}, coexlab {}", s.name, s.seed, kVersion);
  std::string out = "# " + title + "\n";
  out += "#\n";
  out +=
      "# Run in the Exchange Management Shell (Exchange 2007 SP1 or later: -Confirm), one block\n";
  out += "# inside its window: the blocks of a wave run one after the other, each with up to\n";
  out +=
      "# -MaxThreads moves at a time (the simulation shared the mover's threads between them).\n";
  out += fmt::format(
      "# Mover in the simulation: {}; start {}; {} wave(s), {} mailbox(es), {} unplanned.\n",
      mig.mover, day_at(s, 0), plan.waves.size(), plan.rows.size() - size_t(plan.unplanned),
      plan.unplanned);
  out += fmt::format("# Margin: {:g} % of each window left free (see plan.csv, predicted_by).\n",
                     options.margin * 100);
  out += "# Identities: " + identity_source(run.mailboxes) + ".\n";
  out +=
      "# Target databases: coexlab's SERVER/DATABASE is given as \"SERVER\\DATABASE\"; Exchange\n";
  out +=
      "# 2007 names a database SERVER\\STORAGE GROUP\\DATABASE: put the storage group in between\n";
  out += "# where the database name alone is not unique on its server.\n";
  out += "# Reports: one Move-Mailbox XML report per block in $ReportDir (a full local path).\n";
  out += "\n";
  out += fmt::format("$ReportDir = {}\n", ps_single_quoted("C:\\coexlab\\" + s.name));
  out += "New-Item -ItemType Directory -Force -Path $ReportDir | Out-Null\n";

  std::map<int, const PlanWave*> waves;
  for (const PlanWave& w : plan.waves) waves[w.number] = &w;
  // Per wave, per target database (in server and database order), the identities in plan order.
  std::map<int, std::map<std::pair<int, int>, std::vector<std::string>>> blocks;
  for (const PlannedMailbox& p : plan.rows) {
    if (!p.wave) continue;
    const MoveRequest& r = run.queue[size_t(p.queue_index)];
    blocks[*p.wave][{r.target_server, r.target_database}].push_back(
        mailbox_identity(run.mailboxes[size_t(r.mailbox)]));
  }
  for (const auto& [number, by_target] : blocks) {
    const PlanWave& w = *waves.at(number);
    out += fmt::format(
        "\n# ==== Wave {}: window {} to {} ({} to {}); {} mailbox(es), {}; predicted end {}\n",
        number, day_at(s, w.window.from.value), day_at(s, w.window.to.value),
        iso_at(s, w.window.from.value), iso_at(s, w.window.to.value), w.mailboxes,
        units::format_bytes(Bytes{w.bytes}), day_at(s, w.predicted_end));
    for (const auto& [target, identities] : by_target) {
      const Server& sv = s.servers[size_t(target.first)];
      const std::string db = sv.databases[size_t(target.second)].name;
      out += fmt::format("# Wave {} -> {}/{}: {} mailbox(es), window {} to {}\n", number, sv.name,
                         db, identities.size(), iso_at(s, w.window.from.value),
                         iso_at(s, w.window.to.value));
      out += "@(\n";
      for (size_t i = 0; i < identities.size(); ++i)
        out += "  " + ps_single_quoted(identities[i]) + (i + 1 < identities.size() ? ",\n" : "\n");
      out += fmt::format(
          ") | Move-Mailbox -TargetDatabase \"{}\\{}\" -MaxThreads {} -BadItemLimit {} "
          "-ReportFile \"$ReportDir\\wave-{}-{}-{}.xml\" -Confirm:$false\n",
          sv.name, db, mig.max_threads, mig.bad_item_limit, number, sv.name, db);
    }
  }
  if (plan.unplanned > 0) {
    out += fmt::format(
        "\n# ==== Not planned: {} mailbox(es) that the simulation did not start before the "
        "horizon\n"
        "# (or that the margin pushed past the last window); plan.csv lists them (wave "
        "'unplanned').\n",
        plan.unplanned);
  }
  return out;
}

}  // namespace coexlab

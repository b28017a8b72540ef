// coexlab calc FILE: what a static sizing (Microsoft's storage calculator style) gives per
// mailbox server from the same inputs — database IOPS by profile, memory, transaction logs
// per day, database and log space — beside the simulated peaks of a run, flagging where
// the dynamic picture (the moves) exceeds the static one (the users).
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>

#include <fmt/format.h>
#include <unistd.h>

#include "cli.hpp"
#include "command.hpp"
#include "mailboxes.hpp"
#include "profiles.hpp"
#include "summary.hpp"
#include "support.hpp"
#include "sweep_support.hpp"
#include "workload_costs.hpp"

namespace coexlab {
namespace {
using ojson = nlohmann::ordered_json;

// Database space beyond the mailboxes themselves: deleted-item retention and white space
// (the storage calculator's usual 20 %; unverified).
constexpr double kDatabaseOverhead = 1.2;

struct Population {
  double users = 0;
  double iops = 0;
  double cache = 0;
  double logs_per_day = 0;
  double bytes = 0;
};

struct Options {
  std::string file;
  std::vector<std::string> sets;
  bool json = false;
};

// Whether some user of `server` has a profile whose 2003 IOPS are derived (no
// database_iops_2003): the figure then rests on kMessagesPerIops2003.
bool derived_2003_iops(const Scenario& s, const std::vector<Mailbox>& mailboxes, int server) {
  for (const Mailbox& m : mailboxes) {
    if (m.server != server) continue;
    const Profile* p = find_profile(s, m.profile);
    if (p && !p->database_iops_2003) return true;
  }
  return false;
}

double peak(const nlohmann::json& summary, const std::string& id) {
  const RunSummary read = read_summary(summary);
  const SummaryResource* r = read.resource(id);
  return r && r->peak_utilisation ? *r->peak_utilisation : -1;
}

int calc(const Options& o) {
  std::optional<Scenario> scenario;
  if (auto code = load_for_command(o.file, o.sets, std::nullopt, scenario)) return *code;
  const Scenario& s = *scenario;
  const std::vector<Mailbox> mailboxes = generate_mailboxes(s);
  const std::vector<MoveRequest> queue = build_move_queue(s, mailboxes);

  // Where every mailbox lives before and after the plan.
  std::vector<int> final_server(mailboxes.size());
  for (size_t i = 0; i < mailboxes.size(); ++i) final_server[i] = mailboxes[i].server;
  for (const MoveRequest& r : queue) final_server[size_t(r.mailbox)] = r.target_server;
  std::vector<Population> before(s.servers.size()), after(s.servers.size());
  for (size_t i = 0; i < mailboxes.size(); ++i) {
    const Mailbox& m = mailboxes[i];
    const Profile* p = find_profile(s, m.profile);
    for (auto [pop, server] : {std::pair{&before, m.server}, std::pair{&after, final_server[i]}}) {
      const UserCost c = user_cost(*p, s.servers[size_t(server)].version);
      Population& x = (*pop)[size_t(server)];
      x.users += 1;
      x.iops += c.database_iops;
      x.cache += c.cache.value;
      x.logs_per_day += c.log_bytes_per_day.value;
      x.bytes += m.size.value;
    }
  }

  // The dynamic picture: one run of the scenario, in a child process.
  SweepOptions so;
  so.binary = self_executable();
  so.scenario = o.file;
  so.work_dir =
      (std::filesystem::temp_directory_path() / fmt::format("coexlab-calc-{}", ::getpid()))
          .string();
  const VariantResult run = run_sweep({Variant{0, o.sets}}, so, nullptr).front();
  if (run.status != "ok")
    std::cerr << "coexlab: the simulation failed; static figures only: " << run.error << '\n';

  const RowTable table({"server", "version", "users", "db_iops_static", "db_iops_capacity",
                        "db_iops_sim_peak", "memory_static_GB", "memory_GB", "logs_per_day_GB",
                        "log_capacity_GB", "log_sim_peak_GB", "db_space_static_GB",
                        "db_capacity_GB", "db_space_sim_peak_GB", "flags"});
  std::vector<ojson> rows;
  for (size_t i = 0; i < s.servers.size(); ++i) {
    const Server& sv = s.servers[i];
    if (!sv.has(Role::mailbox)) continue;
    const Hardware& hw = sv.hardware;
    // The static sizing is for the busier of the two populations (before and after the plan).
    const Population& p = after[i].iops > before[i].iops ? after[i] : before[i];
    const double memory = sv.is_2007()
                              ? std::min(kBaseMemory2007Bytes + p.cache, kMaxUsefulMemory2007Bytes)
                              : std::min(hw.memory.value, kMaxUsefulMemory2003Bytes);
    const double db_static = std::max(before[i].bytes, after[i].bytes) * kDatabaseOverhead;
    // Logs between two backups (a day), or forever without one.
    const double log_static = hw.log_disk.circular_logging ? 0 : p.logs_per_day;
    std::vector<std::string> flags;
    if (p.iops > hw.database_disk.iops)
      flags.emplace_back("users need more IOPS than the disk has");
    if (sv.is_2007() && memory > hw.memory.value)
      flags.emplace_back("less memory than the users' cache: more read I/O");
    if (sv.is_2003() && hw.memory.value > kMaxUsefulMemory2003Bytes)
      flags.emplace_back("RAM above 4 GB is unused: 32-bit cache cap");
    if (sv.is_2003() && derived_2003_iops(s, mailboxes, int(i)))
      flags.emplace_back("2003 IOPS derived as messages / 140 per user (see below)");
    if (hw.database_disk.capacity && db_static > hw.database_disk.capacity->value)
      flags.emplace_back("database space short");
    const double sim_iops =
        run.status == "ok" ? peak(run.summary, sv.name + "/database_disk") * hw.database_disk.iops
                           : -1;
    const double sim_log =
        run.status == "ok" ? peak(run.summary, sv.name + "/log_space") * hw.log_disk.capacity.value
                           : -1;
    const double sim_db =
        run.status == "ok" && hw.database_disk.capacity
            ? peak(run.summary, sv.name + "/database_space") * hw.database_disk.capacity->value
            : -1;
    if (sim_iops > 1.05 * std::max(p.iops, 1.0))
      flags.emplace_back("moves drive the database disk past the users' need");
    if (sim_log > 1.05 * std::max(log_static, 1.0))
      flags.emplace_back("moves fill more log space than a day of users");
    if (!sv.backup && !hw.log_disk.circular_logging)
      flags.emplace_back("no backup: logs are never truncated");
    const auto gb = [](double v) {
      return v < 0 ? ojson(nullptr) : ojson(std::round(v / 1e7) / 100);
    };
    ojson row;
    row["server"] = sv.name;
    row["version"] = std::string(to_string(sv.version));
    row["users"] = p.users;
    row["db_iops_static"] = std::round(p.iops * 10) / 10;
    row["db_iops_capacity"] = hw.database_disk.iops;
    row["db_iops_sim_peak"] = sim_iops < 0 ? ojson(nullptr) : ojson(std::round(sim_iops));
    row["memory_static_GB"] = gb(memory);
    row["memory_GB"] = gb(hw.memory.value);
    row["logs_per_day_GB"] = gb(log_static);
    row["log_capacity_GB"] = gb(hw.log_disk.capacity.value);
    row["log_sim_peak_GB"] = gb(sim_log);
    row["db_space_static_GB"] = gb(db_static);
    row["db_capacity_GB"] =
        hw.database_disk.capacity ? gb(hw.database_disk.capacity->value) : ojson(nullptr);
    row["db_space_sim_peak_GB"] = gb(sim_db);
    std::string joined;
    for (const std::string& f : flags) joined += (joined.empty() ? "" : "; ") + f;
    row["flags"] = joined;
    rows.push_back(row);
  }
  if (o.json) {
    std::cout << ojson(rows).dump(2) << '\n';
  } else {
    std::cout << table.text(rows);
    std::cout
        << "\nstatic: users' database IOPS by profile and version, 2007 memory = 2 GB + cache per "
           "user, 2003 memory = what a 32-bit store can use (at most 4 GB), a day of logs, "
           "mailboxes + 20 %;\n2003 IOPS of a profile without database_iops_2003: (sent + "
           "received per day) / 140 per user — the built-in `average` (10 / 40) costs 0.36, "
           "where TechNet's 2003 \"average\" user (30 / 75) costs 0.75: the same word is not the "
           "same user;\nsim_peak: the highest sample of the simulated run (the moves, and the "
           "users once the workload is simulated)\n";
  }
  return kExitOk;
}

}  // namespace

Command add_calc_command(CLI::App& app) {
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "calc", "Static per-server sizing (IOPS, memory, logs, space) beside the simulated peaks");
  cmd->add_option("FILE", o->file, "scenario file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--set", o->sets, "override a key: PATH=VALUE (repeatable)")
      ->allow_extra_args(false);
  cmd->add_flag("--json", o->json, "print the rows as a JSON array on stdout, nothing else");
  return {cmd, [o] { return calc(*o); }};
}

}  // namespace coexlab

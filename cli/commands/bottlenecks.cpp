// coexlab bottlenecks FILE: virtual speed-up. Each factor of the migration (every CPU,
// disk, NIC, LAN and link the run used, each used link's latency, the thread limit, the
// windows) is improved in its own variant — twice the capacity, half the latency, twice the
// threads, windows twice as long — and ranked by how much sooner the migration ends.
// Layout advice follows from the ranking and from what the baseline run showed.
#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "atomic_file.hpp"
#include "calendar.hpp"
#include "cli.hpp"
#include "command.hpp"
#include "report.hpp"
#include "site_graph.hpp"
#include "summary.hpp"
#include "support.hpp"
#include "sweep_support.hpp"
#include "table.hpp"

namespace coexlab {
namespace {
using ojson = nlohmann::ordered_json;

struct Factor {
  std::string factor;  // resource id, link/NAME/latency, migration/threads, migration/windows,
                       // or layout/...: a change of the layout that the rules suggest
  std::string change;  // what was improved
  std::vector<std::string> sets;
  std::string evidence_id;      // the resource whose baseline busy share is reported
  std::string watch_link = {};  // layout/connector: the WAN link whose traffic it removes
};

std::string bytes_per_s(double v) {
  return fmt::format("{} B/s", v);
}

std::string weekly(int minute) {
  static constexpr const char* kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  minute = ((minute % kMinutesPerWeek) + kMinutesPerWeek) % kMinutesPerWeek;
  return fmt::format("{} {:02}:{:02}", kDays[minute / 1440], (minute % 1440) / 60, minute % 60);
}

// The windows with each one twice as long (weekly ones capped below a whole week).
std::optional<std::string> doubled_windows(const Scenario& s) {
  if (s.migration.windows.empty()) return std::nullopt;
  std::string list = "[";
  for (const Window& w : s.migration.windows) {
    if (list.size() > 1) list += ", ";
    if (w.weekly) {
      int length = w.to_minute_of_week - w.from_minute_of_week;
      if (length <= 0) length += kMinutesPerWeek;
      const int doubled = std::min(2 * length, kMinutesPerWeek - 1);
      list += fmt::format("{{from: \"{}\", to: \"{}\"}}", weekly(w.from_minute_of_week),
                          weekly(w.from_minute_of_week + doubled));
    } else {
      const auto at = [&](Seconds t) {
        return civil_from_epoch(s.start.epoch_seconds() + static_cast<std::int64_t>(t.value)).iso();
      };
      list += fmt::format("{{from: \"{}\", to: \"{}\"}}", at(w.from), at(w.to + (w.to - w.from)));
    }
  }
  return list + "]";
}

std::vector<Factor> factors_of(const Scenario& s, const nlohmann::json& baseline) {
  // Only what the baseline run used: a resource that carried nothing cannot speed it up.
  const auto used = [&](const std::string& id) {
    for (const auto& r : summary_field(baseline, {"resources"})) {
      if (r.value("id", "") == id && r["mean_utilisation"].is_number()) {
        return r["mean_utilisation"].get<double>() > 0;
      }
    }
    return false;
  };
  std::vector<Factor> out;
  for (const Server& sv : s.servers) {
    const std::string p = "servers." + sv.name + ".hardware.";
    const Hardware& hw = sv.hardware;
    if (used(sv.name + "/cpu")) {
      out.push_back({sv.name + "/cpu",
                     "twice the clock",
                     {p + fmt::format("clock={} Hz", 2 * hw.clock.value)},
                     sv.name + "/cpu"});
    }
    if (used(sv.name + "/database_disk")) {
      out.push_back({sv.name + "/database_disk",
                     "twice the IOPS",
                     {p + fmt::format("database_disk.iops={}", 2 * hw.database_disk.iops)},
                     sv.name + "/database_disk"});
    }
    if (used(sv.name + "/log_disk")) {
      out.push_back({sv.name + "/log_disk",
                     "twice the log throughput",
                     {p + "log_disk.throughput=" + bytes_per_s(2 * hw.log_disk.throughput.value)},
                     sv.name + "/log_disk"});
    }
    if (used(sv.name + "/log_space")) {
      out.push_back({sv.name + "/log_space",
                     "twice the log capacity",
                     {p + fmt::format("log_disk.capacity={} B", 2 * hw.log_disk.capacity.value)},
                     sv.name + "/log_space"});
    }
    if (used(sv.name + "/nic")) {
      out.push_back({sv.name + "/nic",
                     "twice the NIC bandwidth",
                     {p + "nic=" + bytes_per_s(2 * hw.nic.value)},
                     sv.name + "/nic"});
    }
  }
  for (const Site& site : s.sites) {
    const std::string id = "site/" + site.name + "/lan";
    if (used(id)) {
      out.push_back(
          {id,
           "twice the LAN bandwidth",
           {"sites." + site.name + ".lan.bandwidth=" + bytes_per_s(2 * site.lan.bandwidth.value)},
           id});
    }
  }
  for (const Link& l : s.links) {
    const std::string id = "link/" + l.name;
    if (!used(id)) continue;
    out.push_back({id,
                   "twice the bandwidth",
                   {"links." + l.name + ".bandwidth=" + bytes_per_s(2 * l.bandwidth.value)},
                   id});
    if (l.latency.value > 0) {
      out.push_back({id + "/latency",
                     "half the latency",
                     {fmt::format("links.{}.latency={} s", l.name, l.latency.value / 2)},
                     id});
    }
  }
  if (s.migration.max_threads < 500) {
    out.push_back({"migration/threads",
                   "twice the threads",
                   {fmt::format("migration.max_threads={}", 2 * s.migration.max_threads)},
                   ""});
  }
  if (auto w = doubled_windows(s))
    out.push_back({"migration/windows", "windows twice as long", {"migration.windows=" + *w}, ""});
  return out;
}

// What a layout change did to the users' mail: the mean latency of mail between versions and
// the mean utilisation of the WAN link it watches, before and after.
std::string mail_effect(const nlohmann::json& base, const nlohmann::json& variant,
                        const std::string& link) {
  const auto cross_version = [](const nlohmann::json& summary) -> std::optional<double> {
    for (const auto& p : summary_field(summary, {"mail_flow", "paths"})) {
      if (p.value("path", "") == "2003<->2007" && p["latency_s"]["mean"].is_number())
        return p["latency_s"]["mean"].get<double>();
    }
    return std::nullopt;
  };
  const auto mean_use = [&](const nlohmann::json& summary) -> std::optional<double> {
    for (const auto& r : summary_field(summary, {"resources"})) {
      if (r.value("id", "") == link && r["mean_utilisation"].is_number())
        return r["mean_utilisation"].get<double>();
    }
    return std::nullopt;
  };
  std::string out;
  const auto a = cross_version(base), b = cross_version(variant);
  if (a && b) out += fmt::format("2003<->2007 mail {:.0f} ms -> {:.0f} ms", *a * 1e3, *b * 1e3);
  const auto u = mean_use(base), v = mean_use(variant);
  if (!link.empty() && u && v)
    out += fmt::format("{}{} mean {:.2f} % -> {:.2f} %", out.empty() ? "" : ", ", link, *u * 100,
                       *v * 100);
  return out;
}

// Layout changes that follow from the rules and the baseline run, each simulated like a
// factor: a local coexistence connector where mail hairpins over the WAN, the mover in each
// other site that receives mailboxes (up to three), and circular logging on a server whose
// log disk filled.
std::vector<Factor> layout_candidates(const Scenario& s, const nlohmann::json& baseline) {
  std::vector<Factor> out;
  const SiteGraph graph(s);
  const MailRouter router(s, graph);
  std::string connectors;  // the declared and implicit ones, which a new list must keep
  for (const RoutingGroupConnector& c : s.connectors.routing_group) {
    connectors += fmt::format("{{between: [{}, {}], cost: {}}}, ", c.server_a, c.server_b, c.cost);
  }
  for (const Hairpin& h : find_hairpins(s, graph, router)) {
    const std::string& site = s.sites[size_t(h.site)].name;
    int bridgehead = -1;
    for (size_t i = 0; i < s.servers.size() && bridgehead < 0; ++i) {
      const Server& sv = s.servers[i];
      if (sv.is_2003() && sv.has(Role::bridgehead) && sv.site == site) bridgehead = int(i);
    }
    const int hub = router.hub_in_site(h.site);
    if (bridgehead < 0 || hub < 0) continue;
    // The first WAN link the hairpin leaves the site by: where its traffic shows.
    std::string link;
    if (h.path_sites.size() > 1) {
      if (const auto& r = graph.route(h.path_sites[0], h.path_sites[1]); r && !r->links.empty())
        link = "link/" + s.links[size_t(r->links.front())].name;
    }
    out.push_back(
        {"layout/connector/" + site,
         fmt::format("a coexistence connector {} <-> {} in {}", s.servers[size_t(bridgehead)].name,
                     s.servers[size_t(hub)].name, site),
         {fmt::format("connectors.routing_group=[{}{{between: [{}, {}]}}]", connectors,
                      s.servers[size_t(bridgehead)].name, s.servers[size_t(hub)].name)},
         link,
         link});
  }
  // The mover: on a target server of each other site that receives mailboxes (its moves
  // cross the WAN twice where the mover sits elsewhere: source -> mover -> target).
  const Server* mover = s.find_server(s.migration.mover);
  std::vector<std::string> sites_tried;
  for (const Batch& b : s.migration.batches) {
    const Server* t = s.find_server(b.to.server);
    if (!mover || !t || t->site == mover->site || sites_tried.size() == 3 ||
        std::find(sites_tried.begin(), sites_tried.end(), t->site) != sites_tried.end())
      continue;
    sites_tried.push_back(t->site);
    out.push_back({"layout/mover/" + t->site,
                   fmt::format("the mover on {} in {}", t->name, t->site),
                   {"migration.mover=" + t->name},
                   "",
                   ""});
  }
  for (const auto& e : summary_field(baseline, {"migration", "events"})) {
    if (e.value("kind", "") != "dismount") continue;
    const nlohmann::json server_field = e.value("server", nlohmann::json());
    if (!server_field.is_string()) continue;
    const std::string server = server_field.get<std::string>();
    const std::string id = "layout/circular_logging/" + server;
    if (std::any_of(out.begin(), out.end(), [&](const Factor& f) { return f.factor == id; }))
      continue;
    out.push_back({id,
                   "circular logging on " + server + " during the migration",
                   {"servers." + server + ".hardware.log_disk.circular_logging=true"},
                   server + "/log_space",
                   ""});
  }
  return out;
}

double busy_share(const nlohmann::json& baseline, const std::string& id) {
  const RunSummary read = read_summary(baseline);
  const SummaryResource* r = read.resource(id);
  return r && r->busy_during_moves ? *r->busy_during_moves : -1;
}

struct Options {
  SweepCommandOptions sweep;
};

int bottlenecks(const Options& o) {
  std::optional<Scenario> scenario;
  if (auto code = load_for_command(o.sweep.file, o.sweep.sets, std::nullopt, scenario))
    return *code;
  const Scenario& s = *scenario;

  // The baseline run: what the factors are measured against.
  SweepOptions so;
  so.binary = self_executable();
  so.scenario = o.sweep.file;
  so.work_dir =
      (std::filesystem::temp_directory_path() / fmt::format("coexlab-baseline-{}", ::getpid()))
          .string();
  // With --out its report.html becomes DIR/report.html, with the simulated ranking.
  if (!o.sweep.out_dir.empty()) so.return_files = {"report.html"};
  const auto base = run_sweep({Variant{0, o.sweep.sets}}, so, nullptr).front();
  const std::optional<double> base_duration = read_summary(base.summary).duration_s;
  if (base.status != "ok" || !base_duration) {
    std::cerr << "coexlab: the baseline run gave no duration: "
              << (base.error.empty() ? "no move ran" : base.error) << '\n';
    return kExitInvalid;
  }
  const double base_s = *base_duration;

  std::vector<Factor> factors = factors_of(s, base.summary);
  const size_t layout_from = factors.size();
  for (Factor& f : layout_candidates(s, base.summary)) factors.push_back(std::move(f));
  std::map<int, std::string> effects;  // layout variants: what the change did to the mail
  std::vector<Variant> variants;
  for (size_t i = 0; i < factors.size(); ++i) {
    Variant v{int(i), o.sweep.sets};
    v.sets.insert(v.sets.end(), factors[i].sets.begin(), factors[i].sets.end());
    variants.push_back(v);
  }
  const RowTable table({"variant_index", "status", "error", "factor", "change", "duration_s",
                        "gain_s", "gain_fraction", "busy_share", "completed", "set"});
  auto rows = run_variants(
      o.sweep, "bottlenecks", table, variants, [&](const Variant& v, const VariantResult& r) {
        const Factor& f = factors[size_t(v.index)];
        ojson row = row_header(r);
        row["factor"] = f.factor;
        row["change"] = f.change;
        const RunSummary sum = read_summary(r.summary);
        const std::optional<double> d = sum.duration_s;
        row["duration_s"] = json_or_null(d);
        row["gain_s"] = d ? ojson(base_s - *d) : ojson(nullptr);
        row["gain_fraction"] = d ? ojson((base_s - *d) / base_s) : ojson(nullptr);
        const double busy = f.evidence_id.empty() ? -1 : busy_share(base.summary, f.evidence_id);
        row["busy_share"] = busy < 0 ? ojson(nullptr) : ojson(busy);
        row["completed"] = json_or_null(sum.completed);
        row["set"] = f.sets.front();
        if (size_t(v.index) >= layout_from && r.status == "ok")
          effects[v.index] = mail_effect(base.summary, r.summary, f.watch_link);
        return row;
      });
  // Ranked by gain (the CSV keeps variant order, as every sweep does).
  std::stable_sort(rows.begin(), rows.end(), [](const ojson& a, const ojson& b) {
    const double ga = a["gain_s"].is_number() ? a["gain_s"].get<double>() : -1e300;
    const double gb = b["gain_s"].is_number() ? b["gain_s"].get<double>() : -1e300;
    return ga > gb;
  });
  const std::string baseline_line =
      fmt::format("{}: baseline {} ({:.0f} s); bottleneck estimate: {}", s.name,
                  units::format_duration(Seconds{base_s}), base_s,
                  summary_field(base.summary, {"bottleneck", "resource"}).dump());
  if (!o.sweep.json) std::cout << baseline_line << "\n\n";
  print_rows(o.sweep, table, rows);
  // Advice: the changes that pay, as --set lines a planner can try (and `whatif` sweeps).
  std::vector<std::string> advice;
  for (const ojson& r : rows) {
    if (!r["gain_fraction"].is_number() || r["gain_fraction"].get<double>() < 0.01 ||
        advice.size() == 5)
      continue;
    advice.push_back(fmt::format("{}: {} saves {} ({:.0f} %)  --set '{}'",
                                 r["factor"].get<std::string>(), r["change"].get<std::string>(),
                                 units::format_duration(Seconds{r["gain_s"].get<double>()}),
                                 r["gain_fraction"].get<double>() * 100,
                                 set_in_scenario_units(s.file, r["set"].get<std::string>())));
  }
  const size_t pays = advice.size();
  // The layout changes, whatever they gain: they may be about the mail rather than the moves.
  for (const ojson& r : rows) {
    const std::string factor = r["factor"].get<std::string>();
    if (factor.rfind("layout/", 0) != 0) continue;
    const auto it = effects.find(r["variant_index"].get<int>());
    const std::string gain =
        r["gain_s"].is_number()
            ? fmt::format("the migration ends {} {}",
                          units::format_duration(Seconds{std::abs(r["gain_s"].get<double>())}),
                          r["gain_s"].get<double>() >= 0 ? "sooner" : "later")
            : std::string("no duration (") + r["status"].get<std::string>() + ")";
    advice.push_back(fmt::format("{}: {}: {}{}  --set '{}'", factor, r["change"].get<std::string>(),
                                 gain,
                                 it == effects.end() || it->second.empty() ? "" : "; " + it->second,
                                 set_in_scenario_units(s.file, r["set"].get<std::string>())));
  }
  if (!o.sweep.out_dir.empty()) {
    // The ranking and the advice as a page beside bottlenecks.csv.
    std::vector<std::map<std::string, std::string>> cells;
    for (const ojson& r : rows) {
      std::map<std::string, std::string>& c = cells.emplace_back();
      for (const auto& [key, value] : r.items())
        c[key] = value.is_string() ? value.get<std::string>() : value.is_null() ? "" : value.dump();
    }
    if (std::string err =
            write_file_atomically(o.sweep.out_dir + "/bottlenecks.html",
                                  bottlenecks_html(s.name, baseline_line, cells, advice));
        !err.empty()) {
      std::cerr << "coexlab: " << err << '\n';
      return kExitInternal;
    }
    // The baseline run's page, its estimated ranking replaced by the simulated one.
    const auto page = base.files.find("report.html");
    const std::string report =
        page == base.files.end() ? "" : with_simulated_ranking(page->second, cells);
    if (report.empty()) {
      std::cerr << "coexlab: the baseline run wrote no report.html: DIR/report.html not written\n";
    } else if (std::string err = write_file_atomically(o.sweep.out_dir + "/report.html", report);
               !err.empty()) {
      std::cerr << "coexlab: " << err << '\n';
      return kExitInternal;
    }
  }
  if (o.sweep.json) return kExitOk;
  std::cout << "\nadvice\n";
  if (pays == 0)
    std::cout << "  no single factor gains 1 % or more: the plan is balanced at this size\n";
  for (const std::string& line : advice) std::cout << "  " << line << '\n';
  return kExitOk;
}

}  // namespace

Command add_bottlenecks_command(CLI::App& app) {
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "bottlenecks",
      "Rank the factors of the migration by how much sooner it ends when each is improved");
  add_sweep_options(cmd, o->sweep);
  return {cmd, [o] { return bottlenecks(*o); }};
}

}  // namespace coexlab

// coexlab size FILE --target EXPR --vary PATH=V1,V2,... [--vary ...]: the cheapest variant of
// the cross product of the --vary values that meets the target, searched cheapest first.
//
// Target. EXPR is one check of the `checks` language (SPEC §3, docs/checks.md), such as
// `migration.duration <= 60 h`, evaluated on each simulated variant's summary.json. A variant
// meets the target when it ran (status ok), its migration completed (every mailbox moved
// before the horizon: a cut or failed migration is no sizing answer, and that also keeps the
// pruning below sound) and the check passes. A target that does not parse, or that names a
// resource the scenario does not have, is a usage error (exit 2).
//
// Cost of a variant. With a `costs:` section of which at least one entry concerns a varied
// path (the same path, or a key below a varied path), the cost is the sum over every entry
// of per_unit x the value the variant's resolved scenario has at that path (after --set and
// --vary, in the base units summary.json's `resolved` uses: bytes, B/s, seconds, Hz, a share
// as a fraction; a count as is; an optional key left out counts 0). Otherwise the cost is the
// position of the values as given: the sum over the --vary options of the index of the
// variant's value (the first value of each is the cheapest). Ties go to the lower
// variant_index (the cross product, the first --vary slowest, as in whatif). The column
// `cost_basis` says which (`costs` or `order`).
//
// Search. Variants are taken in cost order. When the target bounds migration.duration from
// above (`<` or `<=`), each variant's lower bound is computed first from its scenario alone
// (analysis/lower_bound.hpp, the bound that holds for any first start); a variant whose bound
// already exceeds the target cannot meet it and is pruned without simulating: its row has
// status ok, pruned true, meets_target false, lower_bound_s the bound, bottleneck the bound's
// binding term, duration_s and completed null.
// The others are simulated as child `coexlab run`s in rounds of --jobs N (the N cheapest
// not yet evaluated); the search stops after the first round in which a variant meets the
// target, and the answer is the cheapest one that did. Rows are kept for the variants up to
// and including the answer in cost order (all of them when none meets), so that the rows do
// not depend on --jobs: a variant costlier than the answer that shared its round was
// simulated but is not reported. Variants never evaluated have no row. A variant that fails
// or times out does not meet the target; the search goes on.
//
// Rows (SPEC §3): variant_index, status, error, one column per varied path, cost,
// cost_basis, meets_target, pruned, target_value (the target's measured value), duration_s,
// lower_bound_s, bottleneck, completed. --out DIR appends them to DIR/size.csv as each
// variant ends and rewrites the file in variant order at the end; --resume takes the rows
// already there as evaluated (the same command line is assumed).
//
// Monte Carlo over seeds (--seeds N or A-B, as whatif's): every variant is run with each
// seed, as a last, fastest `seed` axis, and the target may ask for a share of seeds:
// `--target 'migration.duration <= 60 h in 90 % of seeds'` (`CHECK in P % of seeds`, 0 < P
// <= 100; without the clause, 100 %). A variant meets it when the share of its seeds that
// meet the check (as above, per run) is at least P. Its lower bound is taken per seed: the
// variant is pruned (none of its seeds simulated) when the seeds whose bound does not
// exclude them are fewer than P of all. Rounds take whole variants, so rows do not depend on
// --jobs either. DIR/size.csv holds one row per run (with a `seed` column, run index as
// variant_index); DIR/size-seeds.csv and stdout one row per variant: its cost, the share of
// seeds meeting the check (`target_share`), meets_target, pruned, and the spread of its
// duration (the columns of whatif-seeds.csv).
//
// Output: the rows in variant order, then a line naming the cheapest variant that meets the
// target (its --vary values and cost) or saying that none does; both exit 0. --json prints
// only the rows. A --vary path that does not exist is exit 2, a value (or a combination of
// values) that does not give a valid scenario exit 1, as in whatif.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <variant>

#include <fmt/format.h>
#include <unistd.h>

#include "atomic_file.hpp"
#include "check_eval.hpp"
#include "checks.hpp"
#include "cli.hpp"
#include "command.hpp"
#include "loader.hpp"
#include "lower_bound.hpp"
#include "mailboxes.hpp"
#include "mpi_sweep.hpp"
#include "overrides.hpp"
#include "resolved.hpp"
#include "rules.hpp"
#include "seed_stats.hpp"
#include "summary.hpp"
#include "support.hpp"
#include "sweep_support.hpp"

namespace coexlab {
namespace {
namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

struct SizeOptions {
  SweepCommandOptions sweep;
  std::string target;
  std::vector<std::string> vary;
  std::string seeds;  // --seeds N (seeds 1..N) or A-B (A..B)
};

// The simulator computes in floating point and the bound is exact arithmetic: a variant is
// pruned only when its bound exceeds the target by more than rounding.
constexpr double kRounding = 1e-9;

// The number the resolved scenario holds at a dotted --set path (list entries by name).
// nullopt with `error` set when the value there is not a number; 0 when the key is absent.
std::optional<double> resolved_number(const ojson& resolved, const std::string& path,
                                      std::string& error) {
  const ojson* node = &resolved;
  size_t from = 0;
  while (from <= path.size()) {
    const size_t dot = path.find('.', from);
    const std::string key =
        path.substr(from, dot == std::string::npos ? std::string::npos : dot - from);
    const ojson* next = nullptr;
    if (node->is_object()) {
      if (auto it = node->find(key); it != node->end()) next = &*it;
    } else if (node->is_array()) {
      for (const ojson& e : *node) {
        if (e.is_object() && e.value("name", "") == key) next = &e;
      }
    }
    if (!next) return 0.0;  // an optional key left out
    node = next;
    if (dot == std::string::npos) break;
    from = dot + 1;
  }
  if (node->is_number()) return node->get<double>();
  if (node->is_boolean()) return node->get<bool>() ? 1.0 : 0.0;
  if (node->is_string()) {
    // "1250000 B/s", "0.03 s", "40 %": a number in base units, then its unit.
    const std::string text = node->get<std::string>();
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (end != text.c_str()) {
      std::string unit(end);
      unit.erase(0, unit.find_first_not_of(' '));
      return unit == "%" ? v / 100 : v;
    }
  }
  error = fmt::format("the value at {} is {}, not a number", path, node->dump());
  return std::nullopt;
}

// Does a cost entry concern a varied path: the same key, or one below it?
bool concerns(const std::string& cost_path, const std::vector<Axis>& axes) {
  return std::any_of(axes.begin(), axes.end(), [&](const Axis& a) {
    return cost_path == a.path || cost_path.rfind(a.path + ".", 0) == 0;
  });
}

struct Candidate {
  const Variant* variant = nullptr;
  std::optional<Scenario> scenario;
  double cost = 0;
};

std::string values_text(const Variant& v, size_t base_sets) {
  std::string out;
  for (size_t i = base_sets; i < v.sets.size(); ++i) {
    if (!out.empty()) out += ", ";
    out += v.sets[i];
  }
  return out;
}

// With --seeds, the columns of DIR/size-seeds.csv: one row per variant over its seeds.
std::vector<std::string> size_seed_columns(const std::vector<Axis>& axes) {
  std::vector<std::string> columns{"variant_index"};
  for (const Axis& a : axes) columns.push_back(a.path);
  for (const char* c : {"cost", "cost_basis", "meets_target", "target_share", "pruned"})
    columns.emplace_back(c);
  for (const std::string& c : seed_stats_columns()) columns.push_back(c);
  return columns;
}

// The rows of size-seeds.csv for the `reported` variants, whose runs are `runs` in order.
std::vector<ojson> size_seed_rows(const std::vector<Axis>& axes,
                                  const std::vector<size_t>& reported, size_t n_seeds,
                                  const std::vector<ojson>& runs, double share,
                                  const std::function<std::optional<double>(size_t)>& share_of) {
  std::vector<ojson> out;
  for (size_t r = 0; r < reported.size(); ++r) {
    const ojson& first = runs[r * n_seeds];
    ojson row{{"variant_index", reported[r]}};
    for (const Axis& a : axes) row[a.path] = first[a.path];
    row["cost"] = first["cost"];
    row["cost_basis"] = first["cost_basis"];
    const double met = share_of(reported[r]).value_or(0);
    row["meets_target"] = met >= share - kRounding;
    row["target_share"] = met;
    row["pruned"] = first["pruned"];
    seed_stats_fields(runs, r * n_seeds, n_seeds, row);
    out.push_back(std::move(row));
  }
  return out;
}

int size(const SizeOptions& o) {
  // The target first: a bad expression is a usage error before anything is loaded.
  const SeedShareTarget split = split_seed_share(o.target);
  if (!split.error.empty()) {
    std::cerr << fmt::format("coexlab: --target '{}': column {}: {}\n", o.target,
                             split.error_offset + 1, split.error);
    return kExitUsage;
  }
  if (split.share && o.seeds.empty()) {
    std::cerr << fmt::format("coexlab: --target '{}': 'in ... % of seeds' needs --seeds N\n",
                             o.target);
    return kExitUsage;
  }
  const double share = split.share.value_or(1.0);  // of a variant's seeds that must meet it
  const auto parsed = parse_check(split.check);
  if (const CheckError* e = std::get_if<CheckError>(&parsed)) {
    std::cerr << fmt::format("coexlab: --target '{}': column {}: {}\n", o.target, e->offset + 1,
                             e->message);
    return kExitUsage;
  }
  const ParsedCheck target = std::get<ParsedCheck>(parsed);
  std::vector<Axis> axes;
  if (std::string error = parse_axes(o.vary, axes); !error.empty()) {
    std::cerr << "coexlab: " << error << '\n';
    return kExitUsage;
  }
  // With --seeds the runs are the cross product with a last, fastest `seed` axis: variant
  // g's seeds are runs g * n_seeds ... g * n_seeds + n_seeds - 1.
  std::vector<Axis> run_axes = axes;
  if (std::string error = add_seed_axis(o.seeds, run_axes); !error.empty()) {
    std::cerr << "coexlab: " << error << '\n';
    return kExitUsage;
  }
  const size_t n_seeds = o.seeds.empty() ? 1 : run_axes.back().values.size();
  // The base scenario, with its warnings printed once.
  std::optional<Scenario> base;
  if (auto code = load_for_command(o.sweep.file, o.sweep.sets, std::nullopt, base)) return *code;
  if (target.resource) {
    const auto ids = scenario_resource_ids(*base);
    if (std::find(ids.begin(), ids.end(), *target.resource) == ids.end()) {
      std::cerr << fmt::format("coexlab: --target '{}': the scenario has no resource '{}'\n",
                               o.target, *target.resource);
      return kExitUsage;
    }
  }

  std::vector<std::vector<size_t>> picks;
  const std::vector<Variant> sizes = cross_product(o.sweep.sets, axes, &picks);  // the variants
  const std::vector<Variant> variants = cross_product(o.sweep.sets, run_axes);   // their runs
  // Every variant must be a valid scenario: load them all (that also gives their costs)
  // before simulating anything.
  std::vector<Candidate> candidates(variants.size());
  for (size_t i = 0; i < variants.size(); ++i) {
    LoadOptions lo;
    for (const std::string& text : variants[i].sets) {
      Override ov;
      std::string error;
      if (!split_assignment(text, &ov.path, &ov.value, &error)) {
        std::cerr << "coexlab: --set " << error << '\n';
        return kExitUsage;
      }
      lo.overrides.push_back(ov);
    }
    LoadResult r = load_and_check(o.sweep.file, lo);
    if (!r.usage_error.empty()) {
      std::cerr << "coexlab: " << r.usage_error << '\n';
      return kExitUsage;
    }
    if (r.diagnostics.has_errors() || !r.scenario) {
      print_diagnostics(r.diagnostics);
      std::cerr << fmt::format("coexlab: --vary {} does not give a valid scenario\n",
                               values_text(sizes[i / n_seeds], o.sweep.sets.size()));
      return kExitInvalid;
    }
    candidates[i].variant = &variants[i];
    candidates[i].scenario = std::move(r.scenario);
  }
  const bool by_costs = std::any_of(base->costs.begin(), base->costs.end(),
                                    [&](const Cost& c) { return concerns(c.path, axes); });
  for (size_t i = 0; i < candidates.size(); ++i) {
    Candidate& c = candidates[i];
    if (!by_costs) {
      const std::vector<size_t>& pick = picks[i / n_seeds];
      c.cost = double(std::accumulate(pick.begin(), pick.end(), size_t(0)));
      continue;
    }
    const ojson resolved = resolved_scenario(*c.scenario);
    for (const Cost& entry : c.scenario->costs) {
      std::string error;
      const auto value = resolved_number(resolved, entry.path, error);
      if (!value) {
        Diagnostics d;
        d.error(entry.pos, "cost path: " + error);
        print_diagnostics(d);
        return kExitInvalid;
      }
      c.cost += entry.per_unit * *value;
    }
  }
  // The variants (not their runs) in cost order.
  std::vector<size_t> order(sizes.size());
  std::iota(order.begin(), order.end(), size_t(0));
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return candidates[a * n_seeds].cost < candidates[b * n_seeds].cost;
  });

  std::vector<std::string> columns{"variant_index", "status", "error"};
  for (const Axis& a : run_axes) columns.push_back(a.path);
  for (const char* c :
       {"cost", "cost_basis", "meets_target", "pruned", "target_value", "duration_s",
        "lower_bound_s", "bottleneck", "completed", "run_lower_bound_s", "static_lower_bound_s"}) {
    columns.emplace_back(c);
  }
  const RowTable table(columns);
  const bool prunable = target.field->key == std::string_view("migration.duration_s") &&
                        !target.resource &&
                        (target.op == CheckOp::less || target.op == CheckOp::less_equal);

  // The fields every row has, whatever became of the variant.
  const auto row_start = [&](size_t i, const VariantResult& r) {
    ojson row = row_header(r);
    const Variant& v = variants[i];
    for (size_t k = 0; k < run_axes.size(); ++k)
      row[run_axes[k].path] = v.sets[o.sweep.sets.size() + k].substr(run_axes[k].path.size() + 1);
    if (by_costs)
      row["cost"] = candidates[i].cost;
    else
      row["cost"] = static_cast<long long>(candidates[i].cost);
    row["cost_basis"] = by_costs ? "costs" : "order";
    return row;
  };
  const auto simulated_row = [&](const VariantResult& r) {
    ojson row = row_start(size_t(r.index), r);
    bool meets = false;
    ojson value = nullptr;
    if (r.status == "ok") {
      const ojson summary = ojson::parse(r.summary.dump());
      const CheckOutcome outcome = evaluate_check(target, summary);
      value = outcome.value;
      meets = outcome.passed && read_summary(r.summary).completed == true;
    }
    row["meets_target"] = meets;
    row["pruned"] = false;
    row["target_value"] = value;
    const RunSummary sum = read_summary(r.summary);
    row["duration_s"] = json_or_null(sum.duration_s);
    row["lower_bound_s"] = json_or_null(sum.lower_bound_s);
    row["bottleneck"] = json_or_null(sum.bottleneck);
    row["completed"] = json_or_null(sum.completed);
    // lower_bound_s is one of two bounds by the row; these two say which.
    row["run_lower_bound_s"] = row["lower_bound_s"];
    row["static_lower_bound_s"] = nullptr;
    return row;
  };
  // The static bound of run i, when the target is prunable and the run has moves.
  const auto static_bound = [&](size_t i) -> std::optional<LowerBound> {
    if (!prunable) return std::nullopt;
    const Scenario& sc = *candidates[i].scenario;
    const std::vector<Mailbox> mailboxes = generate_mailboxes(sc);
    const std::vector<MoveRequest> queue = build_move_queue(sc, mailboxes);
    if (queue.empty()) return std::nullopt;
    return migration_lower_bound({sc, mailboxes, queue, {}}, std::nullopt);
  };
  const auto excluded = [&](const LowerBound& bound) {
    return !bound.finite() || bound.duration_s * (1 - kRounding) - 1e-6 > target.value;
  };
  // Pruned rows for every run of variant g when the seeds its bound does not exclude are
  // fewer than `share` of them (without --seeds: when the bound excludes the variant).
  const auto try_prune = [&](size_t g) -> std::optional<std::vector<ojson>> {
    std::vector<std::optional<LowerBound>> bounds;
    size_t possible = 0;
    for (size_t k = 0; k < n_seeds; ++k) {
      bounds.push_back(static_bound(g * n_seeds + k));
      if (!bounds.back() || !excluded(*bounds.back())) ++possible;
    }
    if (double(possible) >= share * double(n_seeds) - kRounding) return std::nullopt;
    std::vector<ojson> out;
    for (size_t k = 0; k < n_seeds; ++k) {
      VariantResult r;
      r.index = int(g * n_seeds + k);
      r.status = "ok";
      ojson row = row_start(size_t(r.index), r);
      const std::optional<LowerBound>& bound = bounds[k];  // none: a seed without moves
      row["meets_target"] = false;
      row["pruned"] = true;
      row["target_value"] = nullptr;
      row["duration_s"] = nullptr;
      row["lower_bound_s"] = bound && bound->finite() ? ojson(bound->duration_s) : ojson(nullptr);
      row["bottleneck"] = bound ? ojson(bound->binding) : ojson(nullptr);
      row["completed"] = nullptr;
      row["run_lower_bound_s"] = nullptr;
      row["static_lower_bound_s"] = row["lower_bound_s"];
      out.push_back(std::move(row));
    }
    return out;
  };
  // The share of variant g's seeds that meet the target, once all its runs have rows.
  std::map<int, ojson> rows;  // evaluated runs, by variant_index (the run's)
  const auto target_share = [&](size_t g) -> std::optional<double> {
    size_t met = 0;
    for (size_t k = 0; k < n_seeds; ++k) {
      auto it = rows.find(int(g * n_seeds + k));
      if (it == rows.end()) return std::nullopt;
      met += it->second["meets_target"] == true ? 1 : 0;
    }
    return double(met) / double(n_seeds);
  };
  const auto group_meets = [&](size_t g) {
    const auto got = target_share(g);
    return got && *got >= share - kRounding;
  };

  SweepOutput output(o.sweep.out_dir, "size", table, o.sweep.resume);
  const auto append = [&](const ojson& row) {
    if (std::string err = output.append(row); !err.empty()) std::cerr << "coexlab: " << err << '\n';
  };
  SweepOptions so;
  so.binary = self_executable();
  so.scenario = o.sweep.file;
  so.jobs = o.sweep.jobs;
  so.timeout_s = o.sweep.timeout_s;
  so.work_dir = (fs::temp_directory_path() / fmt::format("coexlab-size-{}", ::getpid())).string();
  so.progress = ::isatty(STDERR_FILENO) != 0;

  // Under --mpi a round is one run per worker rank (the rows do not depend on it); a round
  // takes whole variants, all their seeds.
  const size_t round_size = size_t(std::max(1, mpi_workers() > 0 ? mpi_workers() : o.sweep.jobs));
  std::optional<size_t> answer;
  size_t walked = 0;  // variants of `order` taken so far
  while (walked < order.size() && !answer) {
    // One round: the next cheapest variants until --jobs runs need a simulation, and the
    // pruned or resumed ones before them.
    std::vector<Variant> todo;
    const size_t round_start = walked;
    bool resumed_meets = false;
    while (walked < order.size() && todo.size() < round_size && !resumed_meets) {
      const size_t g = order[walked++];
      std::vector<size_t> missing;  // runs of g with no row yet
      for (size_t i = g * n_seeds; i < (g + 1) * n_seeds; ++i) {
        if (auto it = output.finished().find(int(i)); it != output.finished().end()) {
          ojson row;
          for (const std::string& c : table.columns()) {
            auto cell = it->second.find(c);
            row[c] = cell == it->second.end() ? ojson(nullptr) : cell_to_json(cell->second);
          }
          rows[int(i)] = std::move(row);
        } else {
          missing.push_back(i);
        }
      }
      if (missing.empty()) {
        resumed_meets = group_meets(g);
      } else if (auto pruned = try_prune(g)) {
        for (size_t i : missing) {
          ojson& row = (*pruned)[i - g * n_seeds];
          append(row);
          rows[int(i)] = std::move(row);
        }
      } else {
        for (size_t i : missing) todo.push_back(variants[i]);
      }
    }
    if (!todo.empty()) {
      run_sweep(todo, so, [&](const VariantResult& r) {
        ojson row = simulated_row(r);
        append(row);
        rows[r.index] = std::move(row);
      });
    }
    for (size_t k = round_start; k < walked && !answer; ++k) {
      if (group_meets(order[k])) answer = k;
    }
  }
  // Rows up to the answer in cost order, reported in variant order.
  const size_t kept = answer ? *answer + 1 : walked;
  std::vector<size_t> reported(order.begin(), order.begin() + long(kept));
  std::sort(reported.begin(), reported.end());
  std::vector<ojson> final_rows;
  final_rows.reserve(reported.size() * n_seeds);
  for (size_t g : reported) {
    for (size_t i = g * n_seeds; i < (g + 1) * n_seeds; ++i) final_rows.push_back(rows.at(int(i)));
  }
  if (std::string err = output.finish(final_rows); !err.empty())
    std::cerr << "coexlab: " << err << '\n';

  if (o.seeds.empty()) {
    print_rows(o.sweep, table, final_rows);
  } else {
    const RowTable seed_table(size_seed_columns(axes));
    const std::vector<ojson> spread =
        size_seed_rows(axes, reported, n_seeds, final_rows, share, target_share);
    if (!o.sweep.out_dir.empty()) {
      const std::string path = (fs::path(o.sweep.out_dir) / "size-seeds.csv").string();
      if (std::string err = write_file_atomically(path, seed_table.csv(spread)); !err.empty()) {
        std::cerr << "coexlab: " << err << '\n';
        return kExitInternal;
      }
    }
    print_rows(o.sweep, seed_table, spread);
  }
  if (o.sweep.json) return kExitOk;
  size_t pruned = 0;
  for (size_t g : reported) pruned += rows.at(int(g * n_seeds))["pruned"] == true ? 1 : 0;
  const std::string basis =
      by_costs ? "from the scenario's costs: section" : "the position of the values given";
  std::cout << fmt::format(
      "searched {} of {} variants cheapest first (cost: {}): {} simulated{}, {} pruned by the "
      "lower bound\n",
      kept, sizes.size(), basis, kept - pruned,
      o.seeds.empty() ? "" : fmt::format(" ({} seeds each)", n_seeds), pruned);
  if (answer) {
    const size_t g = order[*answer];
    std::cout << fmt::format("cheapest variant meeting '{}': variant {}: {} (cost {:g})\n",
                             o.target, g, values_text(sizes[g], o.sweep.sets.size()),
                             candidates[g * n_seeds].cost);
  } else {
    std::cout << fmt::format("no variant meets '{}'\n", o.target);
  }
  return kExitOk;
}

}  // namespace

Command add_size_command(CLI::App& app) {
  auto o = std::make_shared<SizeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "size",
      "The cheapest variant of the --vary cross product that meets --target, searched cheapest "
      "first (cost from the scenario's costs: section, else the order of the values given); "
      "variants whose lower bound already misses a duration target are pruned unsimulated");
  add_sweep_options(cmd, o->sweep);
  cmd->add_option("--target", o->target,
                  "one check the variant must pass, e.g. 'migration.duration <= 60 h' "
                  "(docs/checks.md); the migration must also complete; with --seeds, "
                  "'CHECK in P % of seeds'")
      ->required();
  cmd->add_option("--vary", o->vary,
                  "PATH=V1,V2,... (values split on commas outside brackets; repeatable), e.g. "
                  "'links.HQ-Branch.bandwidth=10 Mbps,20 Mbps'")
      ->required()
      ->allow_extra_args(false);
  cmd->add_option("--seeds", o->seeds,
                  "Monte Carlo: run every variant with seeds 1..N (or A-B); the target may then "
                  "ask for a share of seeds, e.g. 'migration.duration <= 60 h in 90 % of seeds'");
  return {cmd, [o] { return size(*o); }};
}

}  // namespace coexlab

#include "sweep_support.hpp"

#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>

#include <fmt/format.h>
#include <unistd.h>

#include "overrides.hpp"
#include "seed_stats.hpp"
#include "summary.hpp"

namespace coexlab {
using ojson = nlohmann::ordered_json;

void add_sweep_options(CLI::App* cmd, SweepCommandOptions& o) {
  cmd->add_option("FILE", o.file, "scenario file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--set", o.sets, "override a key in every variant: PATH=VALUE (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--jobs", o.jobs, "variants simulated at once (child processes)")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--timeout", o.timeout_s,
                  "seconds a variant may take before it is killed (0: no limit)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--json", o.json, "print the rows as a JSON array on stdout, nothing else");
  cmd->add_option("--out", o.out_dir, "write the rows to DIR/<command>.csv as they finish");
  cmd->add_flag("--resume", o.resume, "with --out: skip the variants already in DIR/<command>.csv");
  add_mpi_option(cmd, o.mpi);
}

void add_mpi_option(CLI::App* cmd, bool& mpi) {
  // main() acted on it already (mpi_start): here it is parsed and listed in --help.
  cmd->add_flag("--mpi", mpi,
                "under mpirun: rank 0 keeps the rows, the other ranks run the variants");
}

std::string parse_axes(const std::vector<std::string>& vary, std::vector<Axis>& axes) {
  for (const std::string& v : vary) {
    Axis a;
    std::string values, error;
    if (!split_assignment(v, &a.path, &values, &error)) return "--vary " + error;
    a.values = split_vary_values(values);
    for (size_t i = 0; i < a.values.size(); ++i) {
      if (a.values[i].find_first_not_of(" \t") == std::string::npos) {
        return fmt::format("--vary '{}': value {} of {} is empty (a stray comma?)", v, i + 1,
                           a.values.size());
      }
    }
    axes.push_back(a);
  }
  return {};
}

std::vector<Variant> cross_product(const std::vector<std::string>& base,
                                   const std::vector<Axis>& axes,
                                   std::vector<std::vector<size_t>>* picks) {
  std::vector<Variant> variants;
  std::vector<size_t> pick(axes.size(), 0);
  for (const Axis& a : axes) {
    if (a.values.empty()) return variants;
  }
  while (true) {
    Variant v;
    v.index = int(variants.size());
    v.sets = base;
    for (size_t i = 0; i < axes.size(); ++i)
      v.sets.push_back(axes[i].path + "=" + axes[i].values[pick[i]]);
    variants.push_back(v);
    if (picks) picks->push_back(pick);
    size_t k = axes.size();
    while (k > 0 && ++pick[k - 1] == axes[k - 1].values.size()) pick[--k] = 0;
    if (k == 0) break;
  }
  return variants;
}

std::string add_seed_axis(const std::string& text, std::vector<Axis>& axes) {
  if (text.empty()) return {};
  for (const Axis& a : axes) {
    if (a.path == "seed") return "--seeds and --vary seed=... both vary the seed: give one";
  }
  long long a = 1, b = 0;
  char dash = 0;
  std::istringstream in(text);
  if (text.find('-') == std::string::npos) {
    in >> b;
  } else {
    in >> a >> dash >> b;
  }
  if (!in || !in.eof() || a < 0 || b < a || b - a >= 100000) {
    return fmt::format(
        "--seeds '{}': expected a count N (seeds 1..N) or a range A-B, "
        "0 <= A <= B, at most 100000 seeds",
        text);
  }
  Axis& axis = axes.emplace_back();
  axis.path = "seed";
  for (long long k = a; k <= b; ++k) axis.values.push_back(std::to_string(k));
  return {};
}

const std::vector<std::string>& seed_stats_columns() {
  static const std::vector<std::string> columns{"seeds",           "completed_share",
                                                "duration_mean_s", "duration_p5_s",
                                                "duration_p50_s",  "duration_p95_s"};
  return columns;
}

void seed_stats_fields(const std::vector<ojson>& runs, size_t first, size_t n, ojson& row) {
  std::vector<std::optional<double>> durations;
  for (size_t k = first; k < first + n; ++k) {
    const ojson& r = runs[k];
    const bool done = r["status"] == "ok" && r["completed"] == true && r["duration_s"].is_number();
    durations.push_back(done ? std::optional<double>(r["duration_s"].get<double>()) : std::nullopt);
  }
  const SeedStats st = seed_stats(durations);
  const auto num = [](const std::optional<double>& v) { return v ? ojson(*v) : ojson(nullptr); };
  row["seeds"] = st.seeds;
  row["completed_share"] = st.completed_share;
  row["duration_mean_s"] = num(st.mean_s);
  row["duration_p5_s"] = num(st.p5_s);
  row["duration_p50_s"] = num(st.p50_s);
  row["duration_p95_s"] = num(st.p95_s);
}

ojson row_header(const VariantResult& r) {
  return ojson{{"variant_index", r.index}, {"status", r.status}, {"error", r.error}};
}

nlohmann::json summary_field(const nlohmann::json& summary,
                             std::initializer_list<const char*> path) {
  const nlohmann::json* v = &summary;
  for (const char* key : path) {
    if (!v->is_object() || !v->contains(key)) return nullptr;
    v = &(*v)[key];
  }
  return *v;
}

std::vector<ojson> run_variants(
    const SweepCommandOptions& o, const std::string& command, const RowTable& table,
    const std::vector<Variant>& variants,
    const std::function<ojson(const Variant&, const VariantResult&)>& make_row) {
  SweepOutput output(o.out_dir, command, table, o.resume);
  std::map<int, ojson> rows;
  std::vector<Variant> todo;
  for (const Variant& v : variants) {
    auto it = output.finished().find(v.index);
    if (it == output.finished().end()) {
      todo.push_back(v);
      continue;
    }
    ojson row;
    for (const std::string& c : table.columns()) {
      auto cell = it->second.find(c);
      row[c] = cell == it->second.end() ? ojson(nullptr) : cell_to_json(cell->second);
    }
    rows[v.index] = row;
  }
  SweepOptions so;
  so.binary = self_executable();
  so.scenario = o.file;
  so.jobs = o.jobs;
  so.timeout_s = o.timeout_s;
  so.work_dir =
      (std::filesystem::temp_directory_path() / fmt::format("coexlab-{}-{}", command, ::getpid()))
          .string();
  so.progress = ::isatty(STDERR_FILENO) != 0;
  std::map<int, const Variant*> by_index;
  for (const Variant& v : todo) by_index[v.index] = &v;
  run_sweep(todo, so, [&](const VariantResult& r) {
    ojson row = make_row(*by_index.at(r.index), r);
    if (std::string err = output.append(row); !err.empty()) std::cerr << "coexlab: " << err << '\n';
    rows[r.index] = std::move(row);
  });
  std::vector<ojson> ordered;
  ordered.reserve(variants.size());
  for (const Variant& v : variants) ordered.push_back(rows.at(v.index));
  if (std::string err = output.finish(ordered); !err.empty())
    std::cerr << "coexlab: " << err << '\n';
  return ordered;
}

void print_rows(const SweepCommandOptions& o, const RowTable& table,
                const std::vector<ojson>& rows) {
  if (o.json) {
    ojson array = ojson::array();
    for (const ojson& r : rows) {
      ojson only;
      for (const std::string& c : table.columns()) only[c] = r.contains(c) ? r[c] : ojson(nullptr);
      array.push_back(only);
    }
    std::cout << array.dump(2) << '\n';
  } else {
    std::cout << table.text(rows);
  }
}

}  // namespace coexlab

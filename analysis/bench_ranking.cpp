#include "bench_ranking.hpp"

#include <algorithm>
#include <cmath>
#include <exception>

#include <fmt/format.h>

#include "sweep.hpp"
#include "units.hpp"

namespace coexlab {
using ojson = nlohmann::ordered_json;

double Rank::mean(const std::vector<double>& v) const {
  double sum = 0;
  for (double x : v) sum += x;
  return v.empty() ? NAN : sum / double(v.size());
}

namespace {
// Fewer incomplete cells first, then the lower mean of `score`, then the order given.
void sort_ranks(std::vector<Rank>& ranks, std::vector<double> Rank::*score) {
  std::stable_sort(ranks.begin(), ranks.end(), [score](const Rank& a, const Rank& b) {
    if (a.incomplete != b.incomplete) return a.incomplete < b.incomplete;
    const double ma = a.mean(a.*score), mb = b.mean(b.*score);
    if (std::isnan(ma) != std::isnan(mb)) return std::isnan(mb);
    if (!std::isnan(ma) && ma != mb) return ma < mb;
    return a.order < b.order;
  });
}
}  // namespace

bool usable(const ojson& row) {
  return row.value("status", "") == "ok" && row["unmoved"].is_number() &&
         row["unmoved"].get<long long>() == 0 && row["makespan_s"].is_number();
}

std::vector<Rank> rank_schedulers(const std::vector<ojson>& rows,
                                  const std::vector<std::string>& schedulers) {
  std::map<std::string, double> best;  // by scenario
  for (const ojson& row : rows) {
    if (!usable(row)) continue;
    const std::string sc = row["scenario"].get<std::string>();
    const double m = row["makespan_s"].get<double>();
    auto [it, fresh] = best.emplace(sc, m);
    if (!fresh) it->second = std::min(it->second, m);
  }
  std::vector<Rank> ranks;
  for (size_t i = 0; i < schedulers.size(); ++i) {
    Rank r;
    r.scheduler = schedulers[i];
    r.order = int(i);
    ranks.push_back(std::move(r));
  }
  for (const ojson& row : rows) {
    auto it = std::find_if(ranks.begin(), ranks.end(), [&](const Rank& r) {
      return r.scheduler == row["scheduler"].get<std::string>();
    });
    if (it == ranks.end()) continue;
    if (row["cancelled"].is_number()) it->cancelled += row["cancelled"].get<long long>();
    if (row["overrun_s"].is_number()) it->overrun += row["overrun_s"].get<double>();
    if (row.contains("scheduler_cpu_s") && row["scheduler_cpu_s"].is_number())
      it->scheduler_cpu_s += row["scheduler_cpu_s"].get<double>();
    if (!usable(row)) {
      ++it->incomplete;
      continue;
    }
    const double b = best.at(row["scenario"].get<std::string>());
    it->normalised.push_back(b > 0 ? row["makespan_s"].get<double>() / b : 1.0);
    if (row["ratio"].is_number()) it->ratios.push_back(row["ratio"].get<double>());
    const auto number = [&row](const char* key) {
      return row.contains(key) && row[key].is_number();
    };
    if (number("bounded_slowdown_mean"))
      it->slowdowns.push_back(row["bounded_slowdown_mean"].get<double>());
    if (number("best_known_ratio")) it->best_known.push_back(row["best_known_ratio"].get<double>());
  }
  sort_ranks(ranks, &Rank::normalised);
  return ranks;
}

std::vector<Rank> rank_by_slowdown(std::vector<Rank> ranks) {
  sort_ranks(ranks, &Rank::slowdowns);
  return ranks;
}

std::vector<Regression> compare_with_baseline(
    const std::vector<ojson>& rows, const std::vector<std::map<std::string, std::string>>& baseline,
    double tolerance, int* compared) {
  std::vector<Regression> out;
  *compared = 0;
  for (const auto& base : baseline) {
    const auto get = [&base](const char* key) {
      auto it = base.find(key);
      return it == base.end() ? std::string() : it->second;
    };
    if (get("status") != "ok") continue;
    auto row = std::find_if(rows.begin(), rows.end(), [&](const ojson& r) {
      return r["scenario"].get<std::string>() == get("scenario") &&
             r["scheduler"].get<std::string>() == get("scheduler");
    });
    if (row == rows.end()) continue;
    ++*compared;
    Regression reg{get("scenario"), get("scheduler"), ""};
    const ojson base_makespan = cell_to_json(get("makespan_s"));
    if ((*row)["status"].get<std::string>() != "ok") {
      reg.what = fmt::format("{} now ({})", (*row)["status"].get<std::string>(),
                             (*row)["error"].get<std::string>());
    } else if (const ojson before = cell_to_json(get("unmoved"));
               before.is_number() && (*row)["unmoved"].is_number() &&
               (*row)["unmoved"].get<long long>() > before.get<long long>()) {
      reg.what = fmt::format("{} mailboxes unmoved, {} in the baseline",
                             (*row)["unmoved"].get<long long>(), before.get<long long>());
    } else if (base_makespan.is_number() && (*row)["makespan_s"].is_number()) {
      const double before = base_makespan.get<double>();
      const double now = (*row)["makespan_s"].get<double>();
      if (now > before * (1 + tolerance)) {
        reg.what = fmt::format("makespan {:.1f} s -> {:.1f} s (+{:.2f} %, tolerance {:.2f} %)",
                               before, now, (now / before - 1) * 100, tolerance * 100);
      }
    }
    if (!reg.what.empty()) out.push_back(reg);
  }
  return out;
}

std::optional<double> parse_tolerance(const std::string& text) {
  if (text.find('%') != std::string::npos) {
    const units::ParsedQuantity q = units::parse_quantity(text, units::Dimension::share);
    if (q.ok()) return q.base_value;
    return std::nullopt;
  }
  try {
    size_t used = 0;
    const double v = std::stod(text, &used);
    if (used == text.size() && v >= 0 && std::isfinite(v)) return v;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

}  // namespace coexlab

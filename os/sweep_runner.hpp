// Running the variants of a sweep: each simulated by a child `coexlab run` (SimGrid allows
// one engine per process), N at a time on this machine, or handed out over MPI to the worker
// ranks when the process was started with --mpi under mpirun (os/mpi_sweep.hpp).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace coexlab {

struct Variant {
  Variant() = default;
  // Variant{index, sets} as before the scenario field (no missing-initializer warning).
  Variant(int index_, std::vector<std::string> sets_, std::string scenario_ = {})
      : index(index_), sets(std::move(sets_)), scenario(std::move(scenario_)) {}
  int index = 0;                  // variant_index: 0, 1, ... in the order of the table
  std::vector<std::string> sets;  // "PATH=VALUE" overrides for `coexlab run --set`
  std::string scenario;           // its own scenario file (`test`); empty: the sweep's
};

struct VariantResult {
  int index = 0;
  std::string status;      // ok, failed, timeout
  std::string error;       // empty when ok: otherwise the tail of the child's stderr
  int exit_code = 0;       // of `coexlab run` (1: invalid scenario or failed checks)
  nlohmann::json summary;  // summary.json of the run (null when none was written)
  double wall_s = 0;       // wall time of the child (not in any row: it is not reproducible)
  std::map<std::string, std::string> files;  // SweepOptions::return_files found, by name
};

struct SweepOptions {
  std::string binary;     // the coexlab executable
  std::string scenario;   // scenario file
  int jobs = 1;           // children at once
  double timeout_s = 0;   // per variant; 0: none
  std::string work_dir;   // where children write their results (created, then removed)
  bool progress = false;  // a progress line on stderr
  // Result files of each child handed back in VariantResult::files (e.g. moves.csv for
  // calibrate), read before the child's directory is removed.
  std::vector<std::string> return_files;
  // Flags added to each child's `coexlab run` (bench: --timing, which writes timing.json).
  std::vector<std::string> run_flags;
};

// Runs every variant; `on_done` is called in finishing order. Results in variant order.
// Under MPI (mpi_workers() > 0) the variants go to the worker ranks one at a time, each run
// there as here with one child at a time; `jobs` is then unused. Any command (calibrate's
// candidates too) gets that by calling this and accepting --mpi (add_mpi_option).
std::vector<VariantResult> run_sweep(const std::vector<Variant>& variants,
                                     const SweepOptions& options,
                                     const std::function<void(const VariantResult&)>& on_done);

// The same on this machine alone, `jobs` children at once (what an MPI worker rank runs).
std::vector<VariantResult> run_sweep_here(const std::vector<Variant>& variants,
                                          const SweepOptions& options,
                                          const std::function<void(const VariantResult&)>& on_done);

// The path of this executable (for children), from /proc/self/exe.
std::string self_executable();

}  // namespace coexlab

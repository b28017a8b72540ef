// Sweeps over MPI (SPEC §5.6). Under `mpirun -n N coexlab COMMAND ... --mpi` every rank runs
// this executable: rank 0 runs the command as without MPI (it owns the rows, the durable CSV
// and --resume) and hands the variants out one at a time to ranks 1..N-1; each of those only
// serves: it runs the variant it is given as a child `coexlab run`, exactly as a sweep on one
// machine does, and sends the result back. The dispatch is dynamic because variants differ
// in cost by 100x.
//
// A rank that dies: Open MPI 4.1 (Debian's) has no fault tolerance (no ULFM), so mpirun ends
// the whole job. Every row finished until then is in DIR/COMMAND.csv, whole, and --resume
// runs again the variants that were in flight: a dead rank costs a rerun of those, never a
// row. A child that dies (a crash, the OOM killer) is a `failed` row, as without MPI.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "sweep_runner.hpp"

namespace coexlab {

// True when this executable was built with MPI (Open MPI found by CMake).
bool mpi_built();

// Call first thing in main(). When argv holds --mpi: initialises MPI; on a worker rank it
// serves variants until rank 0 is done and returns the exit code main() must return; on rank
// 0 it returns nullopt and the command runs (MPI is finalised at exit, the workers told to
// stop). Without --mpi nothing happens (nullopt). --mpi in a build without MPI: an error on
// stderr and the usage exit code.
std::optional<int> mpi_start(int argc, char** argv);

// The worker ranks this process (rank 0) may hand variants to; 0 when not under MPI.
int mpi_workers();

// run_sweep over the worker ranks: one variant in flight per worker, handed out in variant
// order as workers free up; `on_done` in finishing order; results in variant order.
std::vector<VariantResult> mpi_run_sweep(const std::vector<Variant>& variants,
                                         const SweepOptions& options,
                                         const std::function<void(const VariantResult&)>& on_done);

}  // namespace coexlab

// coexlab: a virtual coexistence lab for Exchange 2003 -> 2007 migrations.
#include "cli.hpp"
#include "mpi_sweep.hpp"

int main(int argc, char** argv) {
  // Under mpirun with --mpi, ranks other than 0 only run the variants rank 0 hands out.
  if (const auto worker_exit = coexlab::mpi_start(argc, argv)) return *worker_exit;
  return coexlab::run_cli(argc, argv);
}

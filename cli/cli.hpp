// The command line (SPEC §3). Exit codes: 0 ok; 1 invalid scenario or failed checks;
// 2 bad usage; 3 internal error; 130/143 interrupted.
#pragma once

namespace coexlab {

enum ExitCode : int {
  kExitOk = 0,
  kExitInvalid = 1,
  kExitUsage = 2,
  kExitInternal = 3,
  kExitSigint = 130,
  kExitSigterm = 143,
};

int run_cli(int argc, char** argv);

}  // namespace coexlab

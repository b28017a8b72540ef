// Database disk space against the plan (SPEC §5.1): a database disk with a `capacity` must
// hold the mailboxes it starts with (an error otherwise), and a plan that sends more to a
// server than its disk can hold is warned about (the simulation then dismounts that server's
// databases when the next chunk does not fit). Sizes are the generated mailboxes' (the seed's),
// as the simulation sees them.
#pragma once

#include "diagnostics.hpp"
#include "scenario.hpp"

namespace coexlab {

// Needs a scenario without errors (references resolved, within the limits).
void check_database_space(const Scenario& s, Diagnostics& d);

}  // namespace coexlab

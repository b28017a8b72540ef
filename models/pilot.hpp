// The pilot moves of an organisation (SPEC §5.4), read from a CSV with the project's CSV layer:
// columns by header (case-insensitive) `mailbox` (an id, or a name or identity from an
// inventory), `start`, `end` (ISO 8601 date-times on the scenario clock), `status` (`moved`,
// `failed`), optionally `size_bytes`, `items` (else the scenario's) and `target`
// (SERVER/DATABASE; else the batch that holds the mailbox). Every bad row is a positioned
// error (PILOT:LINE:COLUMN), all in one pass. And the scenario of the pilot as it ran, as YAML
// text for `coexlab run` children. No SimGrid.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "calendar.hpp"
#include "diagnostics.hpp"
#include "mailboxes.hpp"
#include "scenario.hpp"

namespace coexlab {

struct PilotMove {
  int line = 0;            // of its row in the pilot file
  std::string key;         // the `mailbox` field as written
  int mailbox = -1;        // index into the scenario's generated mailboxes
  CivilTime start;         // scenario clock
  CivilTime end;           // scenario clock
  bool moved = false;      // status: moved (else failed: not fitted, not simulated)
  Bytes size{0};           // the pilot's size_bytes, else the scenario's
  std::int64_t items = 0;  // the pilot's items, else the scenario's
  int target_server = -1;  // index into Scenario::servers
  int target_database = -1;
  Seconds duration() const {
    return Seconds{static_cast<double>(end.epoch_seconds() - start.epoch_seconds())};
  }
};

struct Pilot {
  std::string label;                            // the file as positions name it
  std::vector<PilotMove> moves;                 // in file order
  std::vector<const PilotMove*> moved() const;  // status moved, in start order (then file order)
};

// Parses a pilot against a validated scenario and its generated mailboxes. nullopt after
// reporting every problem in `diags` (unknown or ambiguous mailbox, a duplicate, an end before
// its start, a missing column, a bad status or number, no target, every move failed, fewer
// than two moved mailboxes).
std::optional<Pilot> read_pilot(std::string_view text, const std::string& label, const Scenario& s,
                                const std::vector<Mailbox>& mailboxes, Diagnostics& diags);

// The pilot as it ran (docs/calibrate.md, "How the pilot is simulated"): `scenario_yaml` (the
// scenario file's text) with the migration replaced by one batch per moved pilot mailbox,
// each from its own database `coexlab_pilot_K` on the mailbox's server (one mailbox, read from
// `pilot-K.csv` beside the pilot scenario) to its target, not before its start; `start` set to
// the first pilot start, a thread for every move, no throttles, no windows, no checks, no bad
// items. The scenario's own databases stay, for the users' load. `scenario_dir` makes the
// scenario's relative inventory paths absolute. Returns the YAML text; `inventories` gets
// each pilot-K.csv's name and text; `ids` the id of each moved pilot mailbox in the pilot
// scenario (in Pilot::moved() order). Throws std::runtime_error on a YAML it cannot edit.
struct PilotScenario {
  std::string yaml;
  std::vector<std::pair<std::string, std::string>> inventories;  // file name, text
  std::vector<std::string> ids;
};
PilotScenario pilot_scenario(const std::string& scenario_yaml, const std::string& scenario_dir,
                             const Scenario& s, const std::vector<Mailbox>& mailboxes,
                             const Pilot& pilot);

}  // namespace coexlab

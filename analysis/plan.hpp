// The wave plan (SPEC §5.5): the simulated schedule turned into what an administrator runs.
// Pure C++ over the recording (no SimGrid); `coexlab plan` (cli/commands/plan.cpp) writes
// plan.csv, waves.csv and plan.ps1 from it. The rules, precisely (docs/outputs.md, "plan"):
//
// - Windows are the move windows as intervals (expand_windows, up to the horizon; no windows:
//   one interval from the start to the horizon). A mailbox's home window is the one its first
//   attempt started in (or the first after that start). A wave is the mailboxes of one window;
//   waves are numbered 1, 2, ... over the windows that have at least one mailbox.
// - Predicted start: the first attempt's start; predicted end: the last attempt's end.
// - Margin m (0 <= m < 1; 0 by default: the waves are the simulation's own). With m > 0 a
//   window is filled only up to its fill limit, from + (1 - m) × (to - from): a mailbox whose
//   predicted end falls after its home window's fill limit is pushed to the next window. There
//   the pushed mailboxes (oldest first) are placed after the mailboxes that stay, each on the
//   mover thread that frees first (the thread's last predicted end in that window, or the
//   window's start), with the duration the simulation gave it; one that would end after that
//   window's fill limit is pushed on again, unless it starts at the window's start (it could fit
//   in no window). Their times are estimates from the simulated durations: `predicted_by` says
//   `margin` for them, `simulation` for the others.
// - Unplanned: mailboxes the simulation never started (the horizon came first, a stall) and
//   those pushed past the last window before the horizon; `wave` is `unplanned`, times empty.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "results.hpp"
#include "windows.hpp"

namespace coexlab {

struct PlanOptions {
  double margin = 0;  // fraction of each window left free, 0 <= margin < 1
};

struct PlannedMailbox {
  int queue_index = -1;
  std::optional<int> wave;           // 1-based; nullopt: unplanned
  std::optional<double> start, end;  // predicted, seconds from `start`
  bool by_margin = false;            // placed by the margin rule, not by the simulation
};

struct PlanWave {
  int number = 0;         // 1-based
  Interval window;        // seconds from `start`
  double fill_limit = 0;  // from + (1 - margin) × length, seconds from `start`
  int mailboxes = 0;
  double bytes = 0;
  double predicted_end = 0;  // the wave's last predicted end, seconds from `start`
  double first_start = 0;    // the wave's first predicted start, seconds from `start`
  // With `plan --calibration`: the chance that the wave ends inside its window
  // (analysis/finish_chance.hpp); none without an interval.
  std::optional<double> finish_chance;
};

struct Plan {
  std::vector<PlannedMailbox> rows;  // waves in order, each by predicted start; unplanned last
  std::vector<PlanWave> waves;
  int unplanned = 0;
  double unplanned_bytes = 0;
};

Plan make_plan(const RunData& run, const PlanOptions& options);

// The one place that says how a mailbox is named to Exchange: the inventory's identity where
// there is one (Mailbox::identity: MailboxGuid, else LegacyDN, else DisplayName), else the
// generated id SERVER/DATABASE/NNNN.
std::string mailbox_identity(const Mailbox& mb);
// Its display name from an inventory (Mailbox::name); else empty.
std::string mailbox_name(const Mailbox& mb);
// For the script's header: where the identities come from (may span comment lines).
std::string identity_source(const std::vector<Mailbox>& mailboxes);

// A PowerShell single-quoted string literal: single quotes (and the typographic ones
// PowerShell also ends a string on, U+2018..U+201B) doubled.
std::string ps_single_quoted(std::string_view text);

std::string plan_csv(const RunData& run, const Plan& plan);
std::string waves_csv(const RunData& run, const Plan& plan);
std::string plan_ps1(const RunData& run, const Plan& plan, const PlanOptions& options);

}  // namespace coexlab

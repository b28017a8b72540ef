// report.html (SPEC §4): one self-contained page — inline CSS and SVG, no script, font, image
// or link from the network — that a planner opens or prints: the summary, a move Gantt chart
// by mover thread, utilisation of the busiest resources over time, log space over time, mail
// latency, the events and, when given, the bottleneck ranking. Pure C++: no SimGrid.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "recording.hpp"
#include "results.hpp"
#include "svg.hpp"
#include "windows.hpp"

namespace coexlab {

struct ReportOptions {
  // Rows of `coexlab bottlenecks --out DIR` (DIR/bottlenecks.csv, as read_csv reads it: one
  // map per row, by column name): the "Bottleneck ranking" section, ordered by gain_s. Unset
  // (as `run` leaves it: the simulated ranking needs one run per factor), the section shows
  // the in-run estimate's ranking (analysis/bottleneck.hpp), marked as an estimate.
  std::optional<std::vector<std::map<std::string, std::string>>> bottleneck_rows;
  // The scenario's warnings as `validate` prints them ("FILE:LINE:COLUMN: warning: ..."): the
  // section "The scenario" lists them beside its description.
  std::vector<std::string> warnings;
};

std::string report_html(const RunData& run, const ReportOptions& options = {});

// The page `report` (of report_html) with its "Bottleneck ranking" section replaced by the
// simulated ranking of `rows` (as bottleneck_rows): what `bottlenecks --out DIR` writes as
// DIR/report.html from its baseline run. "" when `report` has no ranking section.
std::string with_simulated_ranking(const std::string& report,
                                   const std::vector<std::map<std::string, std::string>>& rows);

// bottlenecks.html of `coexlab bottlenecks --out DIR`: the baseline line, the simulated
// ranking (rows as in bottlenecks.csv) and the advice lines.
std::string bottlenecks_html(const std::string& scenario, const std::string& baseline,
                             const std::vector<std::map<std::string, std::string>>& rows,
                             const std::vector<std::string>& advice);

// whatif.html of `coexlab whatif --out DIR`: the variants side by side (what each changed, its
// duration as a bar, lower bound, bottleneck, busiest resource), rows as in whatif.csv.
std::string whatif_html(const std::string& scenario, const std::vector<std::string>& varied,
                        const std::vector<nlohmann::ordered_json>& rows);

// ---- Geometry, exposed for the unit tests ----------------------------------------------------

// Colour of a Gantt bar by the attempt's state.
std::string_view state_colour(MoveState s);

// The Gantt chart's frame in SVG user units: a label column on the left, then the plot.
struct GanttFrame {
  double width = 1200;    // whole chart
  double plot_left = 70;  // x of time t0 (thread labels to its left)
  double plot_right = 1190;
  double top = 8;  // y of the first row
};

struct GanttBar {
  int thread = 0;           // 1-based row
  double x = 0, width = 0;  // user units
  MoveState state = MoveState::unfinished;
  // Index of the attempt in Recording::attempts; -1 for a per-pixel run of merged attempts
  // (each narrower than a pixel), whose x and width are whole pixels of the plot.
  int attempt = -1;
};

struct GanttGeometry {
  svg::LinearScale x;  // seconds from the start → user units
  int threads = 0;     // rows
  double row_height = 0;
  std::vector<GanttBar> bars;                      // merged runs first, then exact bars
  std::vector<std::pair<double, double>> windows;  // shaded (x, width), clipped to the plot
};

// Bars over [0, t_end]: an attempt at least one unit wide is drawn exactly; narrower ones are
// merged per row into runs of consecutive pixels of the same state (a pixel that holds
// several takes the most alarming: failed, then cancelled, then unfinished, then moved), so a
// row has at most about one element per pixel however many attempts it holds.
GanttGeometry gantt_geometry(const Recording& rec, int threads,
                             const std::vector<Interval>& windows, double t_end,
                             const GanttFrame& frame = {});

// A series reduced to at most `max_points` buckets of consecutive samples: each bucket's
// time-weighted mean and its highest sample, at the middle of the time it covers.
struct SeriesPoint {
  double t = 0, mean = 0, max = 0;
};
std::vector<SeriesPoint> downsample(const std::vector<double>& sample_times,
                                    const std::vector<double>& values, size_t max_points);

}  // namespace coexlab

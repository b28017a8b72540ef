// Internal to report.html and the other pages (report*.cpp): shared helpers and sections.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "report.hpp"
#include "table.hpp"

namespace coexlab::report_detail {

inline constexpr std::string_view kWindowFill = "#dcebf9";  // light blue: a move window
inline constexpr std::string_view kGridStroke = "#d0d0d0";
inline constexpr std::string_view kLineStroke = "#1565c0";
// The highest sample per point: warm, so that a busy resource never looks like a window.
inline constexpr std::string_view kMaxFill = "#ffcc80";

inline constexpr size_t kMaxEvents = 200;       // rows of the events table
inline constexpr size_t kMaxResourceRows = 40;  // rows of the resource table
inline constexpr size_t kMaxWindowRows = 60;    // rows of the per-window table

extern const char* const kStyle;

std::string duration(double s);
std::string percent(double fraction);
std::string opt_duration(const std::optional<double>& s);
// An instant for people: "Sat 2007-06-09 19:02".
std::string at(const Scenario& s, double t);
// A capacity in the unit of its resource (SPEC §4), in the units a planner reads.
// `text`: the scenario file as typed, for a capacity in the unit family it was typed in.
std::string capacity_text(const ScenarioText& text, const ResourceSeries& r);
std::string legend_item(std::string_view colour, std::string_view label);
// Vertical grid lines and date labels of a time axis between y_top and y_bottom, at clock-round
// instants of the scenario calendar (midnights for steps of a day or more).
std::string time_axis(const Scenario& s, const svg::LinearScale& x, double y_top, double y_bottom,
                      int max_ticks);

std::string resources_section(const RunData& run, const ScenarioText& text);
std::string mail_section(const RunData& run);
std::string events_section(const RunData& run);
std::string ranking_section(std::vector<std::map<std::string, std::string>> rows, bool simulated);
std::string estimated_ranking_section(const RunData& run, const MigrationMetrics& m);
// Mailboxes moved over time (a step line) against the windows.
std::string progress_section(const RunData& run, const std::vector<Interval>& windows,
                             double t_end);
// Per move window (or, without windows, the run): moved, bytes, the window's end, spare or
// overrun.
std::string windows_section(const RunData& run, const std::vector<Interval>& windows);
// Database and log space of each server against its capacity: peak used.
std::string space_section(const RunData& run, const ScenarioText& text);
// The scenario's description and the warnings `validate` gives for it.
std::string scenario_section(const RunData& run, const std::vector<std::string>& warnings);

}  // namespace coexlab::report_detail

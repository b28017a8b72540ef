// whatif.html of `coexlab whatif --out DIR`: the variants side by side.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "report_parts.hpp"
#include "table.hpp"

namespace coexlab {

using svg::escape;
using namespace report_detail;  // NOLINT(google-build-using-namespace): the report's own parts

std::string whatif_html(const std::string& scenario, const std::vector<std::string>& varied,
                        const std::vector<nlohmann::ordered_json>& rows) {
  double longest = 0;
  for (const auto& r : rows) {
    if (r.contains("duration_s") && r["duration_s"].is_number())
      longest = std::max(longest, r["duration_s"].get<double>());
  }
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<title>coexlab whatif — " + escape(scenario) + "</title>\n<style>" + kStyle +
         "</style>\n</head>\n<body>\n";
  out += "<h1>coexlab whatif — " + escape(scenario) + "</h1>\n";
  out +=
      fmt::format("<p>{} variant(s) of <code>{}</code>, varying ", rows.size(), escape(scenario));
  for (size_t i = 0; i < varied.size(); ++i)
    out += (i ? ", " : "") + std::string("<code>") + escape(varied[i]) + "</code>";
  out += ". Each variant is one simulated run; the bar is its migration's duration.</p>\n";
  out += "<section>\n<h2>Variants</h2>\n<table>\n<tr><th class=\"n\">#</th>";
  for (const std::string& v : varied) out += "<th>" + escape(v) + "</th>";
  out +=
      "<th class=\"n\">duration</th><th></th><th class=\"n\">lower bound</th><th>completed</th>"
      "<th class=\"n\">moved</th><th>bottleneck</th><th>busiest (peak)</th><th>status</th></tr>\n";
  const auto text = [](const nlohmann::ordered_json& r, const char* key) {
    return r.contains(key) && r[key].is_string() ? r[key].get<std::string>() : std::string();
  };
  for (const auto& r : rows) {
    out += fmt::format("<tr><td class=\"n\">{}</td>", r.value("variant_index", -1));
    for (const std::string& v : varied) out += "<td>" + escape(text(r, v.c_str())) + "</td>";
    const bool has_d = r.contains("duration_s") && r["duration_s"].is_number();
    const double d = has_d ? r["duration_s"].get<double>() : 0;
    std::string bar;
    if (has_d && longest > 0) {
      bar = svg::open(200, 10, "duration") + svg::rect(0, 0, 200 * d / longest, 10, kLineStroke) +
            svg::close();
    }
    const std::string status = text(r, "status");
    out += fmt::format(
        "<td class=\"n\"><b>{}</b></td><td style=\"width:200px\">{}</td><td class=\"n\">{}</td>"
        "<td>{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
        has_d ? duration(d) : "—", bar,
        escape(human_cell("lower_bound_s", r.value("lower_bound_s", nlohmann::ordered_json()))),
        escape(human_cell("completed", r.value("completed", nlohmann::ordered_json()))),
        escape(human_cell("mailboxes_moved", r.value("mailboxes_moved", nlohmann::ordered_json()))),
        escape(text(r, "bottleneck")),
        escape(text(r, "busiest_resource").empty()
                   ? std::string("—")
                   : text(r, "busiest_resource") + " (" +
                         human_cell("busiest_peak_fraction",
                                    r.value("busiest_peak_fraction", nlohmann::ordered_json())) +
                         ")"),
        escape(status == "ok" ? status : status + " " + text(r, "error")));
  }
  out +=
      "</table>\n<p class=\"note\">Bottleneck: each run's own estimate (summary.json "
      "<code>bottleneck.resource</code>); <code>coexlab bottlenecks</code> simulates the ranking "
      "of one variant.</p>\n</section>\n</body>\n</html>\n";
  return out;
}

}  // namespace coexlab

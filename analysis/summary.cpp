#include "summary.hpp"

namespace coexlab {
namespace {

using nlohmann::json;

std::optional<double> number_at(const json& o, const char* key) {
  if (!o.is_object()) return std::nullopt;
  const auto it = o.find(key);
  if (it == o.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

}  // namespace

const SummaryResource* RunSummary::resource(std::string_view id) const& {
  for (const SummaryResource& r : resources) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

const SummaryResource* RunSummary::busiest() const& {
  const SummaryResource* best = nullptr;
  for (const SummaryResource& r : resources) {
    if ((r.kind && is_space(*r.kind)) || !r.peak_utilisation) continue;
    if (!best || *r.peak_utilisation > *best->peak_utilisation) best = &r;
  }
  return best;
}

RunSummary read_summary(const json& summary) {
  namespace k = summary_key;
  RunSummary out;
  if (!summary.is_object()) return out;
  if (const auto m = summary.find(k::migration); m != summary.end() && m->is_object()) {
    out.duration_s = number_at(*m, k::duration_s);
    out.lower_bound_s = number_at(*m, k::lower_bound_s);
    if (const auto c = m->find(k::completed); c != m->end() && c->is_boolean()) {
      out.completed = c->get<bool>();
    }
    if (const auto n = m->find(k::mailboxes_moved); n != m->end() && n->is_number_integer()) {
      out.mailboxes_moved = n->get<std::int64_t>();
    }
  }
  if (const auto b = summary.find(k::bottleneck); b != summary.end() && b->is_object()) {
    if (const auto r = b->find(k::resource); r != b->end() && r->is_string()) {
      out.bottleneck = r->get<std::string>();
    }
  }
  if (const auto rs = summary.find(k::resources); rs != summary.end() && rs->is_array()) {
    out.resources.reserve(rs->size());
    for (const json& r : *rs) {
      if (!r.is_object()) continue;
      SummaryResource x;
      if (const auto id = r.find(k::id); id != r.end() && id->is_string()) {
        x.id = id->get<std::string>();
      }
      if (const auto kind = r.find(k::kind); kind != r.end() && kind->is_string()) {
        x.kind = parse_resource_kind(kind->get<std::string>());
      }
      x.mean_utilisation = number_at(r, k::mean_utilisation);
      x.peak_utilisation = number_at(r, k::peak_utilisation);
      x.busy_during_moves = number_at(r, k::busy_during_moves);
      out.resources.push_back(std::move(x));
    }
  }
  return out;
}

}  // namespace coexlab

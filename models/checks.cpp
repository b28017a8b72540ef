#include "checks.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "resource_kind.hpp"
#include "scenario_keys.hpp"

namespace coexlab {

std::string_view to_string(CheckOp op) {
  switch (op) {
    case CheckOp::less:
      return "<";
    case CheckOp::less_equal:
      return "<=";
    case CheckOp::greater:
      return ">";
    case CheckOp::greater_equal:
      return ">=";
    case CheckOp::equal:
      return "==";
    case CheckOp::not_equal:
      return "!=";
  }
  return "?";
}

std::string_view to_string(FieldKind kind) {
  switch (kind) {
    case FieldKind::time:
      return "time";
    case FieldKind::size:
      return "size";
    case FieldKind::share:
      return "share";
    case FieldKind::count:
      return "count";
    case FieldKind::boolean:
      return "boolean";
    case FieldKind::capacity:
      return "capacity";
  }
  return "?";
}

const std::vector<ResultField>& result_fields() {
  // SPEC §4's summary.json, the numeric and boolean leaves. A new field of summary.json that a
  // check should reach gets a row here (tests/sim/test_checks.cpp compares with a real run).
  static const std::vector<ResultField> fields{
      {"migration.duration", "migration.duration_s", FieldKind::time, Finality::grows},
      {"migration.lower_bound", "migration.lower_bound_s", FieldKind::time, Finality::final},
      {"migration.mailboxes_total", "migration.mailboxes_total", FieldKind::count, Finality::final},
      {"migration.mailboxes_moved", "migration.mailboxes_moved", FieldKind::count, Finality::grows},
      {"migration.mailboxes_failed", "migration.mailboxes_failed", FieldKind::count,
       Finality::grows},
      {"migration.attempts_cancelled", "migration.attempts_cancelled", FieldKind::count,
       Finality::grows},
      {"migration.bytes_moved", "migration.bytes_moved", FieldKind::size, Finality::grows},
      // Whether this run completed: false is the truth about it, whatever comes later.
      {"migration.completed", "migration.completed", FieldKind::boolean, Finality::final},
      {"migration.first_start", "migration.first_start_s", FieldKind::time, Finality::final},
      {"migration.last_end", "migration.last_end_s", FieldKind::time, Finality::grows},
      {"migration.user_downtime.mean", "migration.user_downtime_s.mean", FieldKind::time,
       Finality::open},
      {"migration.user_downtime.p95", "migration.user_downtime_s.p95", FieldKind::time,
       Finality::open},
      {"migration.user_downtime.max", "migration.user_downtime_s.max", FieldKind::time,
       Finality::grows},
      {"migration.window_overrun", "migration.window_overrun_s", FieldKind::time, Finality::grows},
      {"migration.wait_mean", "migration.wait_mean_s", FieldKind::time, Finality::open},
      // Dimensionless, so a plain number like a count.
      {"migration.bounded_slowdown_mean", "migration.bounded_slowdown_mean", FieldKind::count,
       Finality::open},
      {"mail_flow.messages_delivered", "mail_flow.messages_delivered", FieldKind::count,
       Finality::grows},
      {"mail_flow.latency.mean", "mail_flow.latency_s.mean", FieldKind::time, Finality::open},
      {"mail_flow.latency.p50", "mail_flow.latency_s.p50", FieldKind::time, Finality::open},
      {"mail_flow.latency.p95", "mail_flow.latency_s.p95", FieldKind::time, Finality::open},
      {"mail_flow.latency.max", "mail_flow.latency_s.max", FieldKind::time, Finality::grows},
      {"simulated_until", "simulated_until_s", FieldKind::time, Finality::final},
      {"mean_utilisation", "mean_utilisation", FieldKind::share, Finality::open, true},
      {"peak_utilisation", "peak_utilisation", FieldKind::share, Finality::grows, true},
      {"busy_during_moves", "busy_during_moves", FieldKind::share, Finality::open, true},
      {"capacity", "capacity", FieldKind::capacity, Finality::final, true},
  };
  return fields;
}

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t';
}
bool is_name_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

std::vector<std::string_view> split_dots(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t from = 0;
  while (true) {
    const size_t dot = path.find('.', from);
    parts.push_back(
        path.substr(from, dot == std::string_view::npos ? std::string_view::npos : dot - from));
    if (dot == std::string_view::npos) return parts;
    from = dot + 1;
  }
}

// A written path names a field when each segment is the key's segment, or the key's segment
// with its trailing "_s" dropped ("latency" for "latency_s").
bool names_field(std::string_view written, const ResultField& f) {
  const auto w = split_dots(written);
  const auto k = split_dots(f.key);
  if (w.size() != k.size()) return false;
  for (size_t i = 0; i < w.size(); ++i) {
    const bool same = w[i] == k[i];
    const bool seconds_dropped = k[i].size() == w[i].size() + 2 &&
                                 k[i].substr(0, w[i].size()) == w[i] &&
                                 k[i].substr(w[i].size()) == "_s";
    if (!same && !seconds_dropped) return false;
  }
  return true;
}

std::vector<std::string_view> written_fields(bool per_resource) {
  std::vector<std::string_view> v;
  for (const ResultField& f : result_fields()) {
    if (f.per_resource == per_resource) v.push_back(f.written);
  }
  return v;
}

std::string hint(std::string_view wrong, const std::vector<std::string_view>& known) {
  const std::string best = did_you_mean(wrong, known);
  return best.empty() ? "" : fmt::format(" (did you mean '{}'?)", best);
}

// A plain non-negative number that fills the whole text.
std::optional<double> plain_number(std::string_view text) {
  double v = 0;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (first != last && *first == '+') ++first;
  auto [ptr, ec] = std::from_chars(first, last, v, std::chars_format::general);
  if (ec != std::errc{} || ptr != last || ptr == first || !std::isfinite(v) || v < 0)
    return std::nullopt;
  return v;
}

class CheckParser {
 public:
  explicit CheckParser(std::string_view expr) : e_(expr) {}

  std::variant<ParsedCheck, CheckError> parse() {
    ParsedCheck c;
    c.expr = std::string(e_);
    skip_space();
    if (at_end()) {
      return fail(0, "empty check: expected PATH OP QUANTITY, e.g. 'migration.duration <= 60 h'");
    }
    const size_t path_start = i_;
    if (auto err = parse_path(c)) return *err;
    const std::string path(e_.substr(path_start, i_ - path_start));
    skip_space();
    const size_t op_at = i_;
    if (auto err = parse_op(c, path)) return *err;
    const std::string op(to_string(c.op));
    skip_space();
    if (at_end()) {
      return fail(
          i_, fmt::format("expected a quantity after '{} {}'{}", path, op, example(c.field->kind)));
    }
    const size_t q_at = i_;
    std::string_view q = e_.substr(i_);
    while (!q.empty() && is_space(q.back())) q.remove_suffix(1);
    c.quantity = std::string(q);
    if (auto err = parse_quantity_of(c, path, q_at, op_at)) return *err;
    return c;
  }

 private:
  bool at_end() const { return i_ >= e_.size(); }
  void skip_space() {
    while (!at_end() && is_space(e_[i_])) ++i_;
  }
  static CheckError fail(size_t at, std::string message) { return {int(at), std::move(message)}; }

  static std::string example(FieldKind kind) {
    switch (kind) {
      case FieldKind::time:
        return ", e.g. '60 h'";
      case FieldKind::size:
        return ", e.g. '500 GB'";
      case FieldKind::share:
        return ", e.g. '80 %'";
      case FieldKind::count:
        return ", e.g. '1200'";
      case FieldKind::boolean:
        return ": true or false";
      case FieldKind::capacity:
        return ", e.g. '1 Gbps'";
    }
    return "";
  }

  // NAME { "." NAME } | "resource" "(" ID ")" "." NAME
  std::optional<CheckError> parse_path(ParsedCheck& c) {
    const size_t start = i_;
    if (!is_name_start(e_[i_])) {
      return fail(i_, fmt::format("expected a result path such as 'migration.duration' or "
                                  "'resource(ID).peak_utilisation', found '{}'",
                                  e_[i_]));
    }
    std::string_view first = name();
    if (first == "resource") {
      skip_space();
      if (at_end() || e_[i_] != '(') {
        return fail(i_,
                    "expected '(' after 'resource': resource(ID).FIELD, e.g. "
                    "resource(EX07-HQ1/cpu).peak_utilisation");
      }
      const size_t open = i_++;
      skip_space();
      const size_t id_start = i_;
      while (!at_end() && e_[i_] != ')' && e_[i_] != '(' && !is_space(e_[i_])) ++i_;
      const std::string_view id = e_.substr(id_start, i_ - id_start);
      skip_space();
      if (at_end() || e_[i_] != ')') {
        return fail(open,
                    "unclosed 'resource(': expected resource(ID).FIELD with an id such as "
                    "EX07-HQ1/cpu, site/HQ/lan or link/HQ-Branch");
      }
      if (id.empty()) return fail(i_, "empty resource id: expected an id such as EX07-HQ1/cpu");
      c.resource = std::string(id);
      ++i_;
      if (at_end() || e_[i_] != '.') {
        return fail(i_, fmt::format("expected '.FIELD' after 'resource({})': one of {}", id,
                                    fmt::join(written_fields(true), ", ")));
      }
      ++i_;
      const size_t field_at = i_;
      if (at_end() || !is_name_start(e_[i_])) return fail(i_, "expected a field name after '.'");
      const std::string_view field = name();
      for (const ResultField& f : result_fields()) {
        if (f.per_resource && names_field(field, f)) {
          c.field = &f;
          return std::nullopt;
        }
      }
      return fail(field_at, fmt::format("unknown resource field '{}'{}: a resource has {}", field,
                                        hint(field, written_fields(true)),
                                        fmt::join(written_fields(true), ", ")));
    }
    while (!at_end() && e_[i_] == '.') {
      ++i_;
      if (at_end() || !is_name_start(e_[i_])) return fail(i_, "expected a field name after '.'");
      name();
    }
    const std::string_view path = e_.substr(start, i_ - start);
    for (const ResultField& f : result_fields()) {
      if (!f.per_resource && names_field(path, f)) {
        c.field = &f;
        return std::nullopt;
      }
    }
    for (const ResultField& f : result_fields()) {
      if (f.per_resource && names_field(path, f)) {
        return fail(start, fmt::format("'{}' is a field of a resource: write resource(ID).{}, e.g. "
                                       "resource(EX07-HQ1/cpu).{}",
                                       path, f.written, f.written));
      }
    }
    if (!at_end() && e_[i_] == '(') {
      return fail(
          i_, fmt::format("'{}(' is not a result path: only resource(ID).FIELD takes an argument",
                          path));
    }
    const std::string suggestion = hint(path, written_fields(false));
    if (!suggestion.empty())
      return fail(start, fmt::format("unknown result field '{}'{}", path, suggestion));
    return fail(
        start, fmt::format(
                   "unknown result field '{}': checks can compare {} and resource(ID).{{{}}}", path,
                   fmt::join(written_fields(false), ", "), fmt::join(written_fields(true), ", ")));
  }

  std::string_view name() {
    const size_t start = i_;
    while (!at_end() && is_name_char(e_[i_])) ++i_;
    return e_.substr(start, i_ - start);
  }

  std::optional<CheckError> parse_op(ParsedCheck& c, const std::string& path) {
    const std::string_view rest = e_.substr(i_);
    const auto starts = [&rest](std::string_view p) { return rest.substr(0, p.size()) == p; };
    if (rest.empty())
      return fail(i_, fmt::format("expected a comparison (< <= > >= == !=) after '{}'", path));
    for (const auto& [text, op] :
         {std::pair{"<=", CheckOp::less_equal}, std::pair{">=", CheckOp::greater_equal},
          std::pair{"==", CheckOp::equal}, std::pair{"!=", CheckOp::not_equal}}) {
      if (starts(text)) {
        c.op = op;
        i_ += 2;
        return check_op_follow(c.op);
      }
    }
    for (const auto& [wrong, right] :
         {std::pair{"=<", "<="}, std::pair{"=>", ">="}, std::pair{"<>", "!="}}) {
      if (starts(wrong))
        return fail(i_, fmt::format("'{}' is not a comparison: write '{}'", wrong, right));
    }
    if (starts("<")) {
      c.op = CheckOp::less;
      ++i_;
      return check_op_follow(c.op);
    }
    if (starts(">")) {
      c.op = CheckOp::greater;
      ++i_;
      return check_op_follow(c.op);
    }
    if (starts("=")) return fail(i_, "'=' is not a comparison: write '==' for equality");
    return fail(i_, fmt::format("expected a comparison (< <= > >= == !=) after '{}', found '{}'",
                                path, rest.substr(0, 1)));
  }

  // "<==", "<<", ">=>": a comparison followed by more operator characters.
  std::optional<CheckError> check_op_follow(CheckOp op) {
    if (!at_end() && (e_[i_] == '<' || e_[i_] == '>' || e_[i_] == '=' || e_[i_] == '!')) {
      return fail(i_,
                  fmt::format("unexpected '{}' after the comparison '{}'", e_[i_], to_string(op)));
    }
    return std::nullopt;
  }

  std::optional<CheckError> parse_quantity_of(ParsedCheck& c, const std::string& path, size_t at,
                                              size_t op_at) {
    const FieldKind kind = c.field->kind;
    const std::string_view q = c.quantity;
    switch (kind) {
      case FieldKind::boolean:
        if (c.op != CheckOp::equal && c.op != CheckOp::not_equal) {
          return fail(op_at, fmt::format("'{}' is true or false: compare it with == or !=", path));
        }
        if (q == "true" || q == "false") {
          c.value = q == "true" ? 1 : 0;
          return std::nullopt;
        }
        return fail(at, fmt::format("'{}' is true or false, not '{}'", path, q));
      case FieldKind::count:
        if (auto v = plain_number(q)) {
          c.value = *v;
          return std::nullopt;
        }
        return fail(
            at, fmt::format(
                    "'{}' is a count: expected a plain non-negative number such as 1200, not '{}'",
                    path, q));
      case FieldKind::capacity: {
        if (auto v = plain_number(q)) {
          c.value = *v;
          return std::nullopt;
        }
        for (units::Dimension d :
             {units::Dimension::rate, units::Dimension::clock, units::Dimension::size}) {
          const units::ParsedQuantity p = units::parse_quantity(q, d);
          if (p.ok()) {
            c.value = p.base_value;
            c.dimension = d;
            return std::nullopt;
          }
        }
        return fail(at,
                    fmt::format("'{}' is not a capacity: expected a rate ('1 Gbps'), a clock rate "
                                "('2.66 GHz'), a size ('100 GiB') or a plain number of IOPS",
                                q));
      }
      case FieldKind::time:
      case FieldKind::size:
      case FieldKind::share: {
        const units::Dimension d = kind == FieldKind::time   ? units::Dimension::time
                                   : kind == FieldKind::size ? units::Dimension::size
                                                             : units::Dimension::share;
        const units::ParsedQuantity p = units::parse_quantity(q, d);
        if (!p.ok())
          return fail(at, fmt::format("'{}' is a {}: {}", path, to_string(kind), p.error));
        c.value = p.base_value;
        c.dimension = d;
        return std::nullopt;
      }
    }
    return std::nullopt;
  }

  std::string_view e_;
  size_t i_ = 0;
};

}  // namespace

std::variant<ParsedCheck, CheckError> parse_check(std::string_view expr) {
  return CheckParser(expr).parse();
}

std::vector<std::string> scenario_resource_ids(const Scenario& s) {
  std::vector<std::string> ids;
  for (const Server& sv : s.servers) {
    for (ResourceKind kind : kServerResourceKinds) {
      ids.push_back(sv.name + "/" + std::string(to_string(kind)));
    }
    if (sv.is_2007() && sv.has(Role::hub_transport)) {
      ids.push_back(sv.name + "/" + std::string(to_string(ResourceKind::hub_queue_disk)));
    }
  }
  for (const Site& site : s.sites) ids.push_back("site/" + site.name + "/lan");
  for (const Link& l : s.links) ids.push_back("link/" + l.name);
  return ids;
}

void check_scenario_checks(const Scenario& s, Diagnostics& d) {
  std::optional<std::vector<std::string>> ids;  // computed on the first resource(...)
  for (const Check& check : s.checks) {
    const auto at = [&check](int offset) {
      SourcePos p = check.pos;
      // The position is the expression's first character: point inside it when known.
      if (p.column > 0) p.column += offset;
      return p;
    };
    const auto parsed = parse_check(check.expr);
    if (const CheckError* e = std::get_if<CheckError>(&parsed)) {
      d.error(at(e->offset), fmt::format("check '{}': {}", check.expr, e->message));
      continue;
    }
    const ParsedCheck& c = std::get<ParsedCheck>(parsed);
    if (!c.resource) continue;
    if (!ids) ids = scenario_resource_ids(s);
    if (std::find(ids->begin(), ids->end(), *c.resource) != ids->end()) continue;
    std::vector<std::string_view> known(ids->begin(), ids->end());
    const size_t id_at = check.expr.find(*c.resource, check.expr.find('('));
    d.error(
        at(int(id_at == std::string::npos ? 0 : id_at)),
        fmt::format("check '{}': no resource '{}' in this scenario{}; resources are SERVER/cpu, "
                    "SERVER/database_disk, SERVER/log_disk, SERVER/nic, SERVER/log_space, "
                    "SERVER/database_space, site/NAME/lan, link/NAME",
                    check.expr, *c.resource, hint(*c.resource, known)));
  }
}

}  // namespace coexlab

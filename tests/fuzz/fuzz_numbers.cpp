// Fuzz target: summary.json's number formatting and the evaluation of checks over summaries
// (analysis/). The first 8 bytes are a double (any bit pattern: subnormals, infinities, NaNs),
// the rest a check expression. round_to_12_digits never throws and stays within 12 digits of
// its input; a summary holding the number, dumped and parsed again, gives the same number;
// the check is parsed and evaluated against that summary without a crash or an exception.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "check_eval.hpp"
#include "checks.hpp"
#include "results.hpp"

using namespace coexlab;
using ojson = nlohmann::ordered_json;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  double x = 0;
  if (size >= sizeof x) {
    std::memcpy(&x, data, sizeof x);
    data += sizeof x;
    size -= sizeof x;
  }
  const double r = round_to_12_digits(x);
  if (std::isfinite(x) != std::isfinite(r) || std::isnan(x) != std::isnan(r)) std::abort();
  if (std::isfinite(x) && std::fabs(r - x) > std::fabs(x) * 1e-11 + 1e-300) {
    std::fprintf(stderr, "%.17g rounded to %.17g\n", x, r);
    std::abort();
  }
  ojson summary;
  const ojson value = std::isfinite(r) ? ojson(r) : ojson(nullptr);
  summary["migration"] = {{"duration_s", value}, {"completed", true}, {"mailboxes_moved", 3}};
  summary["resources"] = ojson::array({{{"id", "EX07/cpu"},
                                        {"kind", "cpu"},
                                        {"peak_utilisation", value},
                                        {"mean_utilisation", value}}});
  summary["mail_flow"] = {{"latency_s", {{"p95", value}, {"mean", value}}}};
  const ojson back = ojson::parse(summary.dump());
  if (std::isfinite(r) && back["migration"]["duration_s"].get<double>() != r) {
    std::fprintf(stderr, "%.17g did not survive the JSON round trip\n", r);
    std::abort();
  }
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto parsed = parse_check(text);
  if (const auto* check = std::get_if<ParsedCheck>(&parsed)) {
    const CheckOutcome out = evaluate_check(*check, back);
    if (!out.passed && out.message.empty()) {
      std::fprintf(stderr, "a failed check without a message\n");
      std::abort();
    }
  }
  const ojson all = evaluate_checks({{text, {"fuzz.yaml", 1, 1}}}, back);
  if (!all.is_array() || all.size() != 1) std::abort();
  return 0;
}

// The scenario of the `size` tests (test_size.cpp, test_size_seeds.cpp): mailboxes over one
// WAN link A-B, one thread, ideal mode, a weekly window of 30 min (Fri 20:00, the start) under
// `finish`: a move of S bytes takes 30 ms + 8 S / bandwidth.
#pragma once

#include <string>

#include "two_site.hpp"

namespace coexlab::testing {

inline std::string size_scenario_yaml(const std::string& costs,
                                      const std::string& mailboxes = "{ count: 2, size: 1 GB }") {
  TwoSite t;
  t.name = "size";
  t.lan_a = t.lan_b = "0 ms";
  t.databases = "[ { name: DB, mailboxes: " + mailboxes + " } ]";
  t.migration = R"(  max_threads: 1
  on_window_end: finish
  windows: [ { from: Fri 20:00, to: Fri 20:30 } ]
  batches: [ { from: OLD/DB, to: NEW/DB } ])";
  t.tail = costs;
  return t.yaml();
}

}  // namespace coexlab::testing

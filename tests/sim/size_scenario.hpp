// The scenario of the `size` tests (test_size.cpp, test_size_seeds.cpp): mailboxes over one
// WAN link A-B, one thread, ideal mode, a weekly window of 30 min (Fri 20:00, the start) under
// `finish`: a move of S bytes takes 30 ms + 8 S / bandwidth.
#pragma once

#include <string>

#include <fmt/format.h>

namespace coexlab::testing {

inline std::string size_scenario_yaml(const std::string& costs,
                                      const std::string& mailboxes = "{ count: 2, size: 1 GB }") {
  return fmt::format(R"(
scenario: size
start: 2007-06-01T20:00
sites:
  - {{ name: A, lan: {{ bandwidth: 10 Gbps, latency: 0 ms }} }}
  - {{ name: B, lan: {{ bandwidth: 10 Gbps, latency: 0 ms }} }}
links:
  - {{ between: [A, B], bandwidth: 10 Mbps, latency: 30 ms }}
servers:
  - name: OLD
    version: 2003
    site: A
    roles: [mailbox, bridgehead]
    hardware: {{ cores: 4, clock: 3 GHz, memory: 4 GiB, nic: 10 Gbps, database_disk: {{ iops: 1000000 }},
                log_disk: {{ throughput: 10 GB/s, capacity: 10 TB }} }}
    databases: [ {{ name: DB, mailboxes: {} }} ]
  - name: NEW
    version: 2007
    site: B
    roles: [mailbox, hub_transport, client_access]
    hardware: {{ cores: 8, clock: 3 GHz, memory: 16 GiB, nic: 10 Gbps, database_disk: {{ iops: 1000000 }},
                log_disk: {{ throughput: 10 GB/s, capacity: 10 TB }} }}
    databases: [ {{ name: DB }} ]
workload: none
migration:
  mover: NEW
  max_threads: 1
  on_window_end: finish
  windows: [ {{ from: Fri 20:00, to: Fri 20:30 }} ]
  batches: [ {{ from: OLD/DB, to: NEW/DB }} ]
{}
calibration: {{ mode: ideal }}
)",
                     mailboxes, costs);
}

}  // namespace coexlab::testing

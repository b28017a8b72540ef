// The two-site scenario many tests build on, written once: OLD (2003, site A) moves to NEW
// (2007, site B, the mover) over one 10 Mbps, 30 ms link; 10 Gbps LANs; disks and NICs so
// fast that the link binds; ideal mode, no users. A move of S bytes alone takes the route
// latency (LAN + 30 ms + LAN, one way) + S / 1.25 MB/s. Each test gives what it varies.
#pragma once

#include <string>

#include <fmt/format.h>

namespace coexlab::testing {

struct TwoSite {
  std::string name = "two-site";
  std::string lan_a = "0.5 ms";  // the sites' LAN latencies, one way
  std::string lan_b = "0.5 ms";
  std::string lan_bandwidth = "10 Gbps";
  std::string link = "bandwidth: 10 Mbps, latency: 30 ms";  // the A-B link
  // OLD's `databases:` value.
  std::string databases = "[ { name: DB, mailboxes: { count: 1, size: 1 GB } } ]";
  std::string new_databases = "[ { name: DB } ]";
  std::string new_log_capacity = "10 TB";
  std::string new_backup;  // NEW's `backup:` line, if any
  // The `migration:` block's lines after `mover: NEW`, indented by two spaces.
  std::string migration = "  batches: [ { from: OLD/DB, to: NEW/DB } ]";
  // Lines after the migration block (a `costs:` section, say), then the calibration.
  std::string tail;
  std::string calibration = "{ mode: ideal }";

  std::string yaml() const {
    return fmt::format(R"(
scenario: {name}
start: 2007-06-01T20:00
sites:
  - {{ name: A, lan: {{ bandwidth: {lan_bw}, latency: {lan_a} }} }}
  - {{ name: B, lan: {{ bandwidth: {lan_bw}, latency: {lan_b} }} }}
links:
  - {{ between: [A, B], {link} }}
servers:
  - name: OLD
    version: 2003
    site: A
    roles: [mailbox, bridgehead]
    hardware: {{ cores: 4, clock: 3 GHz, memory: 4 GiB, nic: 10 Gbps, database_disk: {{ iops: 1000000 }},
                log_disk: {{ throughput: 10 GB/s, capacity: 10 TB }} }}
    databases: {databases}
  - name: NEW
    version: 2007
    site: B
    roles: [mailbox, hub_transport, client_access]
    hardware: {{ cores: 8, clock: 3 GHz, memory: 16 GiB, nic: 10 Gbps, database_disk: {{ iops: 1000000 }},
                log_disk: {{ throughput: 10 GB/s, capacity: {new_log} }} }}
    {new_backup}
    databases: {new_databases}
workload: none
migration:
  mover: NEW
{migration}
{tail}
calibration: {calibration}
)",
                       fmt::arg("name", name), fmt::arg("lan_a", lan_a), fmt::arg("lan_b", lan_b),
                       fmt::arg("lan_bw", lan_bandwidth), fmt::arg("link", link),
                       fmt::arg("new_log", new_log_capacity), fmt::arg("new_backup", new_backup),
                       fmt::arg("new_databases", new_databases), fmt::arg("databases", databases),
                       fmt::arg("migration", migration), fmt::arg("tail", tail),
                       fmt::arg("calibration", calibration));
  }
};

}  // namespace coexlab::testing

// The users' load during the coexistence period (sim/mail_flow.hpp): queueing at a Hub
// Transport against M/M/1, Little's law, the message paths by version, the connector hairpin,
// load slowing the moves, and the two fidelities agreeing. Each TEST is its own process; the
// comparisons of two runs use the CLI (one engine per process).
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace fs = std::filesystem;
using coexlab::test::simulate_yaml;
using nlohmann::json;

namespace {

// One 2007 box (Mailbox + Hub + Client Access, one 1 GHz core): 1,000 users mail each other
// on one database at 0.5 messages/s in all; every message passes the hub once, whose service
// demand is exponential with a mean of 1e9 cycles (1 s). Everything else is switched off, so
// the hub is an M/M/1 queue at rho = 0.5. A single mailbox moves after 60 hours, which ends
// the simulated period: about 108,000 messages. (At rho = 0.7 the sample mean of 10^5
// sojourn times still strays by 3 % from seed to seed: the queue's relaxation time is long.)
std::string single_hub(const char* mode) {
  return fmt::format(R"(
scenario: mm1
seed: 3
start: 2007-06-04T00:00
sites: [ {{ name: HQ, lan: {{ bandwidth: 10 Gbps, latency: 0 ms }} }} ]
links: []
servers:
  - name: EX07
    version: 2007
    site: HQ
    roles: [mailbox, hub_transport, client_access]
    hardware: {{ cores: 1, clock: 1 GHz, memory: 16 GiB, nic: 10 Gbps,
                database_disk: {{ iops: 100000 }},
                log_disk: {{ throughput: 1 GB/s, capacity: 10 TB, circular_logging: true }} }}
    databases:
      - {{ name: DB1, mailboxes: {{ count: 1000, size: 1 MB, profile: steady }} }}
      - {{ name: DB2, mailboxes: {{ count: 1, size: 1 MB, profile: quiet }} }}
      - {{ name: DB3 }}
workload:
  day_shape: flat
  profiles:
    - {{ name: steady, sent_per_day: 43.2, received_per_day: 43.2, message_size: 1 KB }}
    - {{ name: quiet, sent_per_day: 0, received_per_day: 0, message_size: 1 KB }}
  recipients: {{ same_database: 100 %, same_site: 0 %, other_site: 0 %, internet: 0 % }}
migration:
  mover: EX07
  bad_item_limit: 1000
  batches: [ {{ name: late, from: EX07/DB2, to: EX07/DB3, not_before: 2007-06-06T12:00 }} ]
calibration:
  hub_cpu_cycles_per_message: 1000000000
  store_cpu_cycles_per_message: 0
  rpc_round_trips_per_message: 0
  hub_queue_ios_per_message: 0
  client_operations_per_message: 0
  client_bytes_per_message_byte: 0
simulation: {{ mail_flow: {} }}
)",
                     mode);
}

const coexlab::HubQueueStats& only_hub(const coexlab::test::Simulated& s) {
  EXPECT_EQ(s.out.recording.mail.hubs.size(), 1u);
  return s.out.recording.mail.hubs.at(0);
}

constexpr double kLambda = 1000 * 43.2 / 86400.0;  // 0.5 messages/s
constexpr double kMu = 1.0;                        // 1 / (1e9 cycles / 1 GHz)

}  // namespace

TEST(MailFlowQueueing, PerMessageHubMatchesMM1SojournAndLittlesLaw) {
  const auto s = simulate_yaml(single_hub("per_message"));
  const coexlab::HubQueueStats& h = only_hub(s);
  const double end = s.out.recording.end_time.value;
  ASSERT_GT(end, 60 * 3600.0);
  EXPECT_GE(h.messages, 1e5);
  // M/M/1: mean time in system 1 / (mu - lambda), in queue rho / (mu - lambda).
  const double sojourn = 1.0 / (kMu - kLambda);
  EXPECT_NEAR(h.mean_sojourn_s, sojourn, 0.03 * sojourn);
  EXPECT_NEAR(h.mean_wait_s, sojourn - 1.0 / kMu, 0.05 * sojourn);
  // Little: the time-average number in the hub is throughput x mean time in the hub.
  const double throughput = h.messages / end;
  EXPECT_NEAR(h.mean_in_hub, throughput * h.mean_sojourn_s, 0.01 * h.mean_in_hub);
  EXPECT_NEAR(throughput, kLambda, 0.02 * kLambda);
}

TEST(MailFlowQueueing, AggregateHubUsesTheMM1Formula) {
  const auto s = simulate_yaml(single_hub("aggregate"));
  const coexlab::HubQueueStats& h = only_hub(s);
  const double end = s.out.recording.end_time.value;
  const double sojourn = 1.0 / (kMu - kLambda);
  EXPECT_NEAR(h.mean_sojourn_s, sojourn, 0.03 * sojourn);
  const double throughput = h.messages / end;
  EXPECT_NEAR(h.mean_in_hub, throughput * h.mean_sojourn_s, 0.01 * h.mean_in_hub);
  EXPECT_EQ(s.out.recording.mail.mode, "aggregate");
}

TEST(MailFlowQueueing, AggregateCountsOnlyTheCoveredShareOfTheLastInterval) {
  // The late mailbox moves at 01:02:30, half-way through a 5-minute load interval: the
  // simulated period ends there, and the last interval counts for half.
  std::string yaml = single_hub("aggregate");
  const std::string late = "not_before: 2007-06-06T12:00";
  yaml.replace(yaml.find(late), late.size(), "not_before: 2007-06-04T01:02:30");
  const auto s = simulate_yaml(yaml);
  const coexlab::HubQueueStats& h = only_hub(s);
  const double end = s.out.recording.end_time.value;
  ASSERT_GT(end, 3750.0);
  ASSERT_LT(end, 3760.0);
  // Flat day, expected counts: exactly lambda x the simulated time, and Little exactly.
  EXPECT_NEAR(h.messages, kLambda * end, 1e-9 * kLambda * end);
  EXPECT_NEAR(h.mean_in_hub, h.messages / end * h.mean_sojourn_s, 1e-9);
  double delivered = 0;
  for (const coexlab::DeliveredMail& d : s.out.recording.mail.mail) {
    delivered += d.weight;
    EXPECT_LE(d.time_s, end);
  }
  EXPECT_NEAR(delivered, kLambda * end, 1e-6 * kLambda * end);
}

namespace {

// One site: a 2003 back-end and a 3-role 2007 box; `users_on` says which holds the 200 users
// (who mail each other on their database); one mailbox of an extra database moves late.
std::string one_site(const char* users_on, const char* mode) {
  return fmt::format(R"(
scenario: paths
seed: 4
start: 2007-06-04T00:00
sites: [ {{ name: HQ }} ]
links: []
servers:
  - name: EX03
    version: 2003
    site: HQ
    roles: [mailbox, bridgehead]
    hardware: {{ cores: 4, clock: 3 GHz, memory: 4 GiB, nic: 1 Gbps,
                database_disk: {{ iops: 2000 }}, log_disk: {{ throughput: 60 MB/s, capacity: 1 TB }} }}
    databases:
      - {{ name: SG1, mailboxes: {{ count: {}, size: 10 MB }} }}
      - {{ name: SG2, mailboxes: {{ count: 1, size: 10 MB, profile: quiet }} }}
  - name: EX07
    version: 2007
    site: HQ
    roles: [mailbox, hub_transport, client_access]
    hardware: {{ cores: 4, clock: 2.66 GHz, memory: 16 GiB, nic: 1 Gbps,
                database_disk: {{ iops: 2000 }}, log_disk: {{ throughput: 100 MB/s, capacity: 1 TB }} }}
    databases:
      - {{ name: DB1, mailboxes: {{ count: {}, size: 10 MB }} }}
      - {{ name: DB2 }}
workload:
  day_shape: flat
  profiles: [ {{ name: quiet, sent_per_day: 0, received_per_day: 0 }} ]
  recipients: {{ same_database: 100 %, same_site: 0 %, other_site: 0 %, internet: 0 % }}
migration:
  mover: EX07
  bad_item_limit: 1000
  batches: [ {{ name: late, from: EX03/SG2, to: EX07/DB2, not_before: 2007-06-05T00:00 }} ]
simulation: {{ mail_flow: {} }}
)",
                     std::string(users_on) == "2003" ? 200 : 0,
                     std::string(users_on) == "2007" ? 200 : 0, mode);
}

double messages_of(const coexlab::MailRecording& m, const std::string& path_class) {
  double n = 0;
  for (const auto& d : m.mail)
    if (d.path_class == path_class) n += d.weight;
  return n;
}

}  // namespace

TEST(MailFlowPaths, Mail2007BetweenMailboxesOfOneServerPassesTheHub) {
  const auto s = simulate_yaml(one_site("2007", "per_message"));
  const auto& mail = s.out.recording.mail;
  const double same_site = messages_of(mail, "2007->2007 same site");
  EXPECT_GT(same_site, 1000);
  EXPECT_EQ(messages_of(mail, "2003->2003"), 0);
  // Every such message passed the hub on the same box, over RPC both ways.
  EXPECT_NEAR(only_hub(s).messages, same_site, 0.01 * same_site + 5);
  EXPECT_GT(s.resource("EX07/hub_queue_disk").samples.size(), 0u);
}

TEST(MailFlowPaths, Mail2003BetweenMailboxesOfOneServerIsDeliveredLocally) {
  const auto s = simulate_yaml(one_site("2003", "per_message"));
  const auto& mail = s.out.recording.mail;
  EXPECT_GT(messages_of(mail, "2003->2003"), 1000);
  EXPECT_EQ(messages_of(mail, "2007->2007 same site"), 0);
  EXPECT_EQ(messages_of(mail, "2003<->2007"), 0);
  EXPECT_EQ(only_hub(s).messages, 0);  // no hub load at all
}

TEST(MailFlowPaths, CrossVersionMailPeaksWhileHalfTheUsersHaveMoved) {
  // 300 users on one 2003 database move one at a time; their mail stays within the database.
  const auto s = simulate_yaml(R"(
scenario: crossover
seed: 9
start: 2007-06-04T00:00
sites: [ { name: HQ } ]
links: []
servers:
  - name: EX03
    version: 2003
    site: HQ
    roles: [mailbox, bridgehead]
    hardware: { cores: 4, clock: 3 GHz, memory: 4 GiB, nic: 1 Gbps,
                database_disk: { iops: 3000 }, log_disk: { throughput: 60 MB/s, capacity: 1 TB } }
    databases: [ { name: SG1, mailboxes: { count: 300, size: 150 MB, profile: heavy } } ]
  - name: EX07
    version: 2007
    site: HQ
    roles: [mailbox, hub_transport, client_access]
    hardware: { cores: 4, clock: 2.66 GHz, memory: 16 GiB, nic: 1 Gbps,
                database_disk: { iops: 3000 }, log_disk: { throughput: 100 MB/s, capacity: 1 TB } }
    databases: [ { name: DB1 } ]
workload:
  day_shape: flat
  recipients: { same_database: 100 %, same_site: 0 %, other_site: 0 %, internet: 0 % }
migration:
  mover: EX07
  max_threads: 1
  bad_item_limit: 1000
  batches: [ { name: all, from: EX03/SG1, to: EX07/DB1 } ]
simulation: { mail_flow: aggregate, sample_interval: 5 min }
)");
  const auto& attempts = s.out.recording.attempts;
  ASSERT_EQ(attempts.size(), 300u);
  // The share of cross-version mail in the internal mail by how many users had moved: about
  // 2x(1-x).
  const auto share_while = [&](size_t moved_from, size_t moved_to) {
    const double t0 = attempts[moved_from].end.value;
    const double t1 = attempts[moved_to - 1].end.value;
    double cross = 0, all = 0;
    for (const auto& d : s.out.recording.mail.mail) {
      if (d.time_s <= t0 || d.time_s > t1 || d.path_class == "internet") continue;
      all += d.weight;
      if (d.path_class == "2003<->2007") cross += d.weight;
    }
    return all > 0 ? cross / all : -1.0;
  };
  const double early = share_while(0, 30);      // up to 10 % moved
  const double middle = share_while(120, 180);  // 40-60 % moved
  const double late = share_while(285, 300);    // 95-100 % moved
  EXPECT_LT(early, 0.25);
  EXPECT_GT(middle, 0.42);
  EXPECT_LT(late, 0.15);
  EXPECT_GT(middle, 2 * early);
}

namespace {

fs::path fresh_dir(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / fmt::format("coexlab-mail-{}-{}", name, ::getpid());
  fs::remove_all(dir);
  return dir;
}

// `coexlab run` on a scenario text; returns summary.json.
json run_cli(const std::string& name, const std::string& yaml, const std::string& args = "") {
  const fs::path dir = fresh_dir(name);
  fs::create_directories(dir);
  const fs::path file = dir / "scenario.yaml";
  std::ofstream(file) << yaml;
  const std::string cmd = fmt::format("{} run {} --out {} --quiet {} >/dev/null 2>&1",
                                      COEXLAB_BINARY, file.string(), (dir / "out").string(), args);
  const int status = std::system(cmd.c_str());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << cmd;
  std::ifstream in(dir / "out" / "summary.json");
  json j = json::parse(in);
  fs::remove_all(dir);
  return j;
}

json resource(const json& summary, const std::string& id) {
  for (const json& r : summary["resources"])
    if (r["id"] == id) return r;
  ADD_FAILURE() << "no resource " << id;
  return json::object();
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Dallas and London over a 60 ms transatlantic link, a 2003 bridgehead and a 3-role 2007 box
// in each; only London has users (mailing each other on their database; half of them move to
// 2007 at once, a last one a day later); the only coexistence connector is in Dallas unless
// `local_connector`.
std::string small_hairpin(bool local_connector) {
  return fmt::format(R"(
scenario: hairpin-small
seed: 8
start: 2007-06-04T00:00
sites:
  - {{ name: Dallas }}
  - {{ name: London }}
links:
  - {{ between: [Dallas, London], bandwidth: 10 Mbps, latency: 60 ms }}
servers:
  - name: EX03-DAL
    version: 2003
    site: Dallas
    roles: [mailbox, bridgehead]
    hardware: &hw03 {{ cores: 4, clock: 3 GHz, memory: 4 GiB, nic: 1 Gbps,
                database_disk: {{ iops: 2000 }}, log_disk: {{ throughput: 60 MB/s, capacity: 1 TB }} }}
  - name: EX03-LON
    version: 2003
    site: London
    roles: [mailbox, bridgehead]
    hardware: *hw03
    databases:
      - {{ name: SG1, mailboxes: {{ count: 100, size: 20 MB }} }}
      - {{ name: SG2, mailboxes: {{ count: 1, size: 20 MB }} }}
  - name: EX07-DAL
    version: 2007
    site: Dallas
    roles: [mailbox, hub_transport, client_access]
    hardware: &hw07 {{ cores: 4, clock: 2.66 GHz, memory: 16 GiB, nic: 1 Gbps,
                database_disk: {{ iops: 2000 }}, log_disk: {{ throughput: 100 MB/s, capacity: 1 TB }} }}
    databases: [ {{ name: DB1 }} ]
  - name: EX07-LON
    version: 2007
    site: London
    roles: [mailbox, hub_transport, client_access]
    hardware: *hw07
    databases: [ {{ name: DB1 }} ]
connectors:
  routing_group:
    - {{ between: [EX03-DAL, EX03-LON] }}
    - {{ between: [EX03-DAL, EX07-DAL] }}
{}
workload:
  day_shape: flat
  recipients: {{ same_database: 100 %, same_site: 0 %, other_site: 0 %, internet: 0 % }}
migration:
  mover: EX07-LON
  max_threads: 1
  bad_item_limit: 1000
  batches:
    - {{ name: half, from: EX03-LON/SG1, to: EX07-LON/DB1, mailboxes: 50 % }}
    - {{ name: later, from: EX03-LON/SG2, to: EX07-LON/DB1, not_before: 2007-06-05T00:00 }}
simulation: {{ mail_flow: aggregate }}
)",
                     local_connector ? "    - { between: [EX03-LON, EX07-LON] }" : "");
}

}  // namespace

TEST(MailFlowPaths, HairpinCarriesLocalCrossVersionMailOverTheWanAndALocalConnectorRemovesIt) {
  const json far = run_cli("hairpin-far", small_hairpin(false));
  const json local = run_cli("hairpin-local", small_hairpin(true));
  const auto path_latency = [](const json& s, const std::string& path) {
    for (const json& p : s["mail_flow"]["paths"])
      if (p["path"] == path) return p["latency_s"]["mean"].get<double>();
    return -1.0;
  };
  // Through Dallas: the SMTP round trips of two transatlantic hops (120 ms round trip each);
  // locally, no WAN at all.
  const double rtt = 2 * (0.060 + 2 * 0.0002);
  EXPECT_GT(path_latency(far, "2003<->2007"), 2 * 6 * rtt);
  EXPECT_LT(path_latency(local, "2003<->2007"), 0.2);
  const double wan_far = resource(far, "link/Dallas-London")["mean_utilisation"].get<double>();
  const double wan_local = resource(local, "link/Dallas-London")["mean_utilisation"].get<double>();
  EXPECT_LT(wan_local, wan_far);
}

TEST(MailFlowLoad, UsersSlowTheMovesThroughTheResourcesTheyShare) {
  const std::string yaml =
      read_file(fs::path(COEXLAB_SOURCE_DIR) / "scenarios/contoso-weekend.yaml");
  const json with = run_cli("load-with", yaml);
  const json without = run_cli("load-without", yaml, "--set workload=none");
  EXPECT_TRUE(without["mail_flow"].is_null());
  ASSERT_TRUE(with["mail_flow"].is_object());
  EXPECT_GT(with["mail_flow"]["messages_delivered"].get<double>(), 0);
  const double d_with = with["migration"]["duration_s"].get<double>();
  const double d_without = without["migration"]["duration_s"].get<double>();
  EXPECT_GT(d_with, d_without);
  // The users' database I/O on the 2003 source is what the moves read through.
  const auto busy = [](const json& s) {
    return resource(s, "EX03-BE1/database_disk")["mean_utilisation"].get<double>();
  };
  EXPECT_GT(busy(with), 1.5 * busy(without));
  EXPECT_GT(resource(with, "EX03-BE1/cpu")["mean_utilisation"].get<double>(),
            resource(without, "EX03-BE1/cpu")["mean_utilisation"].get<double>());
}

namespace {

// HQ with a 2007 box and a branch with a 2003 server over a 30 ms WAN; 150 branch users
// move to HQ over a weekend while everyone keeps mailing (office hours, default mixes).
std::string small_branch() {
  return R"(
scenario: agree
seed: 11
start: 2007-06-01T20:00
sites:
  - { name: HQ }
  - { name: Branch }
links:
  - { between: [HQ, Branch], bandwidth: 20 Mbps, latency: 30 ms }
servers:
  - name: EX03-BR
    version: 2003
    site: Branch
    roles: [mailbox, bridgehead]
    hardware: { cores: 2, clock: 3 GHz, memory: 4 GiB, nic: 1 Gbps,
                database_disk: { iops: 600 }, log_disk: { throughput: 60 MB/s, capacity: 500 GiB } }
    databases: [ { name: SG1, mailboxes: { count: 150, size: 60 MB, profile: heavy } } ]
  - name: EX07-HQ
    version: 2007
    site: HQ
    roles: [mailbox, hub_transport, client_access]
    hardware: { cores: 4, clock: 2.66 GHz, memory: 16 GiB, nic: 1 Gbps,
                database_disk: { iops: 1500 }, log_disk: { throughput: 100 MB/s, capacity: 500 GiB } }
    databases:
      - { name: DB1, mailboxes: { count: 150, size: 60 MB, profile: heavy } }
      - { name: DB2 }
migration:
  mover: EX07-HQ
  max_threads: 2
  bad_item_limit: 1000
  batches: [ { name: branch, from: EX03-BR/SG1, to: EX07-HQ/DB2, not_before: 2007-06-04T08:00 } ]
)";
}

}  // namespace

TEST(MailFlowFidelity, PerMessageAndAggregateAgreeOnUtilisationAndMeanLatency) {
  const json per = run_cli("per-message", small_branch(), "--set simulation.mail_flow=per_message");
  const json agg = run_cli("aggregate", small_branch(), "--set simulation.mail_flow=aggregate");
  EXPECT_EQ(per["mail_flow"]["mode"], "per_message");
  EXPECT_EQ(agg["mail_flow"]["mode"], "aggregate");
  const double n_per = per["mail_flow"]["messages_delivered"].get<double>();
  const double n_agg = agg["mail_flow"]["messages_delivered"].get<double>();
  EXPECT_NEAR(n_per, n_agg, 0.05 * n_agg);
  // The mean latency has two parts: the mail's way through the organisation, and the rare,
  // long waits of mail to a mailbox being moved (a few dozen messages here, so each fidelity's
  // share of those is a small sample: compared on their own, more loosely).
  const auto parts = [](const json& summary) {
    const json& f = summary["mail_flow"];
    const double n = f["messages_delivered"].get<double>();
    const double mean = f["latency_s"]["mean"].get<double>();
    const json& d = f["delayed_by_moves"];
    const double held = d["messages"].get<double>();
    const double wait = held > 0 ? d["mean_s"].get<double>() : 0;
    return std::pair{(mean * n - held * wait) / (n - held), held * wait / n};
  };
  const auto [way_per, waits_per] = parts(per);
  const auto [way_agg, waits_agg] = parts(agg);
  EXPECT_NEAR(way_per, way_agg, 0.05 * way_agg);
  EXPECT_GT(waits_per, 0);
  EXPECT_NEAR(waits_per, waits_agg, 0.35 * waits_agg);
  for (const json& r : agg["resources"]) {
    const std::string id = r["id"];
    if (r["mean_utilisation"].is_null()) continue;
    const double a = r["mean_utilisation"].get<double>();
    const double p = resource(per, id)["mean_utilisation"].get<double>();
    // Within 5 % of each other, or both negligible (under 0.1 % of the capacity).
    EXPECT_NEAR(p, a, std::max(0.05 * a, 1e-3)) << id;
  }
}

TEST(MailFlowAdvice, BottlenecksSimulatesALocalConnectorForTheHairpinAndNamesItsEffect) {
  const fs::path dir = fresh_dir("advice");
  fs::create_directories(dir);
  const fs::path file = dir / "scenario.yaml";
  std::ofstream(file) << small_hairpin(false);
  const fs::path out = dir / "advice.txt";
  const std::string cmd = fmt::format("{} bottlenecks {} --jobs 2 >{} 2>/dev/null", COEXLAB_BINARY,
                                      file.string(), out.string());
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << cmd;
  const std::string text = read_file(out);
  fs::remove_all(dir);
  const auto line_of = [&](const std::string& start) {
    const auto at = text.find("\n  " + start);
    return at == std::string::npos ? std::string()
                                   : text.substr(at + 3, text.find('\n', at + 1) - at - 3);
  };
  const std::string advice = line_of("layout/connector/London:");
  ASSERT_FALSE(advice.empty()) << text;
  EXPECT_NE(advice.find("EX03-LON <-> EX07-LON"), std::string::npos) << advice;
  EXPECT_NE(advice.find("{between: [EX03-LON, EX07-LON]}"), std::string::npos) << advice;
  // Its simulated effect on the mail: the latency between versions, before and after.
  EXPECT_NE(advice.find("2003<->2007 mail"), std::string::npos) << advice;
  EXPECT_NE(advice.find("link/Dallas-London mean"), std::string::npos) << advice;
}

namespace {

// One 2007 box; 20 users of DB1 mail each other at 1 message/s in all; the first of them moves
// to DB2 alone, a 100,000-item mailbox (a move of over two hours). Mail to that user during
// the move waits at the hub until the move ends. A quiet mailbox moving at 04:00 keeps the
// run going after it, so that the held mail is delivered.
std::string long_move(const char* mode) {
  return fmt::format(R"(
scenario: locked
seed: 9
start: 2007-06-04T00:00
sites: [ {{ name: HQ, lan: {{ bandwidth: 10 Gbps, latency: 0 ms }} }} ]
links: []
servers:
  - name: EX07
    version: 2007
    site: HQ
    roles: [mailbox, hub_transport, client_access]
    hardware: {{ cores: 8, clock: 3 GHz, memory: 16 GiB, nic: 10 Gbps,
                database_disk: {{ iops: 1000000 }},
                log_disk: {{ throughput: 1 GB/s, capacity: 10 TB, circular_logging: true }} }}
    databases:
      - {{ name: DB1, mailboxes: {{ count: 20, size: 1 GB, items_per_mb: 100, profile: chatty }} }}
      - {{ name: DB2 }}
      - {{ name: DB3, mailboxes: {{ count: 1, size: 1 MB, profile: quiet }} }}
workload:
  day_shape: flat
  profiles:
    - {{ name: chatty, sent_per_day: 4320, received_per_day: 4320, message_size: 1 KB }}
    - {{ name: quiet, sent_per_day: 0, received_per_day: 0, message_size: 1 KB }}
  recipients: {{ same_database: 100 %, same_site: 0 %, other_site: 0 %, internet: 0 % }}
migration:
  mover: EX07
  bad_item_limit: 1000
  batches:
    - {{ name: one, from: EX07/DB1, to: EX07/DB2, mailboxes: 1 }}
    - {{ name: late, from: EX07/DB3, to: EX07/DB2, not_before: 2007-06-04T04:00 }}
calibration:
  hub_cpu_cycles_per_message: 1000000
  client_operations_per_message: 0
simulation: {{ mail_flow: {} }}
)",
                     mode);
}

void expect_mail_waits_for_the_move(const coexlab::test::Simulated& s) {
  const coexlab::MoveAttempt& move = s.attempt(0);
  ASSERT_EQ(move.state, coexlab::MoveState::moved);
  const double d = move.end.value - move.start.value;
  ASSERT_GT(d, 7200.0);
  const coexlab::MailRecording& mail = s.out.recording.mail;
  // 1 message/s, one recipient in 20: about d / 20 messages wait, each until the move ends.
  EXPECT_NEAR(mail.delayed_messages, d / 20, 0.15 * d / 20);
  const double mean = mail.delayed_seconds_sum / mail.delayed_messages;
  EXPECT_NEAR(mean, d / 2, 0.1 * d);  // arrivals spread evenly over the move
  EXPECT_LE(mail.delayed_max_s, d + 1);
  EXPECT_GE(mail.delayed_max_s, 0.9 * d);
  // The waits are in the mail's latency: the mean latency is far above the no-wait one.
  double n = 0, sum = 0;
  for (const coexlab::DeliveredMail& m : mail.mail) {
    n += m.weight;
    sum += m.weight * m.latency_s;
  }
  EXPECT_GT(sum / n, 0.5 * mean * mail.delayed_messages / n);
}

}  // namespace

TEST(MailFlowLockedMailbox, PerMessageMailToAMailboxBeingMovedWaitsForTheMove) {
  expect_mail_waits_for_the_move(simulate_yaml(long_move("per_message")));
}

TEST(MailFlowLockedMailbox, AggregateMailToAMailboxBeingMovedWaitsForTheMove) {
  expect_mail_waits_for_the_move(simulate_yaml(long_move("aggregate")));
}

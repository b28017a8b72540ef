// The scenario after loading and defaulting: plain structs, no YAML, no SimGrid.
// Every dimensioned field is a units:: type in SI base units. `pos` fields keep the place
// in the scenario file so that semantic checks can point at it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "calendar.hpp"
#include "diagnostics.hpp"
#include "units.hpp"

namespace coexlab {

using units::Bytes;
using units::BytesPerSecond;
using units::Fraction;
using units::Hertz;
using units::Seconds;

enum class ExchangeVersion { v2003, v2007 };

enum class Role {
  // Exchange 2003
  mailbox,  // also Exchange 2007 Mailbox: the version of the server says which
  front_end,
  bridgehead,
  // Exchange 2007
  hub_transport,
  client_access,
  unified_messaging,
  edge_transport,
};

enum class ClusterKind { none, ccr, scc };

struct Lan {
  BytesPerSecond bandwidth{1e9 / 8};  // each direction (full duplex); default 1 Gbps
  Seconds latency{0.2e-3};            // one way; default 0.2 ms
};

struct Site {
  std::string name;
  Lan lan;
  Seconds utc_offset{0};  // local office time = scenario clock + utc_offset
  SourcePos pos;
};

struct Link {        // a WAN link between two sites, full duplex
  std::string name;  // default "A-B" from `between`
  std::string site_a;
  std::string site_b;
  BytesPerSecond bandwidth{0};  // each direction
  Seconds latency{0};           // one way
  double cost = 100;            // AD site-link cost (2007 routing)
  SourcePos pos;
};

struct DatabaseDisk {
  double iops = 0;                // random page I/O per second, reads and writes together
  std::optional<Bytes> capacity;  // absent: database space not tracked
};

struct LogDisk {
  BytesPerSecond throughput{0};  // sequential write rate
  Bytes capacity{0};             // space for transaction logs
  bool circular_logging = false;
};

struct Hardware {
  int cores = 0;
  Hertz clock{0};
  Bytes memory{0};
  BytesPerSecond nic{0};  // each direction (full duplex)
  DatabaseDisk database_disk;
  LogDisk log_disk;
};

struct Backup {
  Seconds at{0};                 // time of day (scenario clock), nightly
  BytesPerSecond throughput{0};  // read rate of the databases during the backup
};

enum class SizeDistribution { fixed, uniform, lognormal };

struct SizeSpec {
  SizeDistribution distribution = SizeDistribution::fixed;
  Bytes fixed{0};            // fixed
  Bytes min{0}, max{0};      // uniform
  Bytes mean{0}, stddev{0};  // lognormal: of the sizes themselves, not of the log
};

// One mailbox of an inventory (SPEC §5.3, models/inventory.hpp): a row of the CSV.
struct InventoryMailbox {
  std::string name;           // DisplayName
  std::string identity;       // MailboxGuid, else LegacyDN, else DisplayName
  std::string identity_from;  // its column: MailboxGuid, LegacyDN or DisplayName
  Bytes size{0};              // TotalItemSize, whole bytes
  std::int64_t items = 0;     // ItemCount
  SourcePos pos;              // the row in the CSV
};

struct MailboxPopulation {
  std::int64_t count = 0;  // with an inventory: the rows taken from it
  SizeSpec size;
  double items_per_mb = 25;  // items per decimal MB of mailbox
  std::string profile = "average";
  SourcePos pos;          // the `mailboxes` node
  SourcePos profile_pos;  // the `profile` node (or `mailboxes` when defaulted)

  // `from: FILE`: the mailboxes come from an inventory, not from count and size.
  std::string from;                          // as written (relative to the scenario file)
  std::string from_path;                     // as opened: the scenario's directory joined
  std::optional<std::string> from_database;  // `database:`: only rows of this Database
  SourcePos from_pos;                        // the `from` node
  std::vector<InventoryMailbox> inventory;   // the rows taken, in file order; count = size()
  bool from_inventory() const { return !from.empty(); }
};

struct Database {
  std::string name;
  MailboxPopulation mailboxes;  // count 0: an empty database (a move target)
  SourcePos pos;
};

struct Server {
  std::string name;
  ExchangeVersion version = ExchangeVersion::v2003;
  std::string site;
  std::string routing_group;  // 2003 only; default: the site's name
  std::vector<Role> roles;
  ClusterKind cluster = ClusterKind::none;
  std::string subscribed_site;  // Edge only: the AD site it is subscribed to
  Hardware hardware;
  std::optional<Backup> backup;
  std::vector<Database> databases;

  SourcePos pos;        // the server's entry
  SourcePos roles_pos;  // its `roles` node
  SourcePos site_pos;   // its `site` node

  bool has(Role r) const;
  bool is_2003() const { return version == ExchangeVersion::v2003; }
  bool is_2007() const { return version == ExchangeVersion::v2007; }
};

struct RoutingGroupConnector {
  std::string server_a;  // bridgehead (2003) or hub (2007)
  std::string server_b;
  double cost = 10;
  bool implicit = false;  // created by coexlab as Exchange setup would (rule L7)
  SourcePos pos;
};

struct Connectors {
  std::vector<RoutingGroupConnector> routing_group;
  std::string internet_via;  // empty: the default (the Edge if any, else the first 2003 bridgehead)
  SourcePos internet_pos;
};

// Behaviour of a user per day; what it costs on each version is derived in the workload
// model, unless overridden here.
struct Profile {
  std::string name;
  double sent_per_day = 0;
  double received_per_day = 0;
  Bytes message_size{50e3};
  std::optional<double> database_iops_2003;  // per user, overrides the derived figure
  std::optional<double> database_iops_2007;
  std::optional<Bytes> cache_per_user_2007;
  std::optional<double> log_files_per_day;  // 1 MB files per user and day
  SourcePos pos;
};

enum class DayShape { office_hours, flat };
enum class LegacyWebAccess { front_end, client_access };

struct ClientMix {
  Fraction outlook{0.80};
  Fraction owa{0.15};
  Fraction pop_imap{0.05};
};

struct RecipientMix {  // where a user's sent mail goes
  Fraction same_database{0.20};
  Fraction same_site{0.50};
  Fraction other_site{0.20};
  Fraction internet{0.10};
};

struct Workload {
  bool enabled = true;  // false for `workload: none`
  DayShape day_shape = DayShape::office_hours;
  std::vector<Profile> profiles;  // custom profiles, beside the built-ins
  ClientMix clients;
  RecipientMix recipients;
  LegacyWebAccess legacy_web_access = LegacyWebAccess::client_access;
  SourcePos pos;
};

struct Throttles {  // at most this many concurrent moves per ...; absent: no limit
  std::optional<int> per_source_database;
  std::optional<int> per_target_database;
  std::optional<int> per_source_server;
  std::optional<int> per_target_server;
};

// A move window. Weekly windows repeat every week (minutes since Monday 00:00 of the
// scenario clock); absolute windows are instants of the scenario clock.
struct Window {
  bool weekly = true;
  int from_minute_of_week = 0;  // weekly: 0 = Mon 00:00
  int to_minute_of_week = 0;    // weekly; may be < from (wraps past Sunday midnight)
  Seconds from{0};              // absolute: seconds from `start`
  Seconds to{0};
  SourcePos pos;
};

enum class WindowEndPolicy { finish, cancel };

struct DatabaseRef {
  std::string server;
  std::string database;
  std::string text() const { return server + "/" + database; }
};

struct BatchSelection {
  enum class Kind { all, count, share } kind = Kind::all;
  std::int64_t count = 0;  // Kind::count
  Fraction share{1};       // Kind::share: the first ceil(share × count)
};

struct Batch {
  std::string name;
  DatabaseRef from;
  DatabaseRef to;
  BatchSelection mailboxes;
  std::optional<Seconds> not_before;  // seconds from `start`
  SourcePos pos;
  SourcePos from_pos;
  SourcePos to_pos;
  SourcePos mailboxes_pos;  // of `mailboxes`, when given
};

struct Migration {
  bool present = false;
  bool written_null = false;  // `migration:` with no value (refused, like no migration)
  std::string mover;
  int max_threads = 4;
  std::string scheduler = "fifo";
  // Shuffles the queue (batch by batch, into one random order) before any scheduler sees it:
  // a draw of the queue orders among which `bench/search_orders.py` finds a best-known one.
  // nullopt: the batches' order, as written.
  std::optional<std::int64_t> order_seed;
  Throttles throttles;
  int bad_item_limit = 0;
  std::vector<Window> windows;  // empty: always open
  WindowEndPolicy on_window_end = WindowEndPolicy::finish;
  std::vector<Batch> batches;
  SourcePos pos;
  SourcePos mover_pos;
  SourcePos scheduler_pos;
};

enum class OperationAction { create_mailbox, modify_mailbox, remove_mailbox, move_mailbox };
enum class AdminTool { aduc_2003, esm_2003, emc, ems };

struct Operation {
  OperationAction action = OperationAction::create_mailbox;
  AdminTool tool = AdminTool::emc;
  DatabaseRef database;           // the mailbox's database (the source, for a move)
  std::optional<DatabaseRef> to;  // move_mailbox only
  SourcePos pos;
};

struct Cost {
  std::string path;  // a --set path
  double per_unit = 0;
  SourcePos pos;
};

enum class MailFlowMode { automatic, per_message, aggregate };

struct SimulationSettings {
  MailFlowMode mail_flow = MailFlowMode::automatic;
  SourcePos mail_flow_pos;  // the `mail_flow` node, when given
  Seconds sample_interval{300};
  Seconds horizon{60 * 86400.0};
  SourcePos pos;  // the `simulation` mapping, or the scenario when there is none
};

enum class CalibrationMode { realistic, ideal };

struct CalibrationOverride {
  std::string name;  // a constant of the cost model (models/calibration.hpp)
  double base_value = 0;
  SourcePos pos;
};

struct Calibration {
  CalibrationMode mode = CalibrationMode::realistic;
  std::vector<CalibrationOverride> overrides;
};

struct Check {
  std::string expr;
  SourcePos pos;
};

// `acknowledge: [L7, L11]`: a warning the scenario intends, by its rule id; not printed.
struct Acknowledgement {
  std::string rule;
  SourcePos pos;
};

struct Scenario {
  std::string file;  // as given on the command line
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  CivilTime start;
  std::vector<Site> sites;
  std::vector<Link> links;
  std::vector<Server> servers;
  Connectors connectors;
  Workload workload;
  Migration migration;
  std::vector<Operation> operations;
  std::vector<Cost> costs;
  SimulationSettings simulation;
  Calibration calibration;
  std::vector<Check> checks;
  std::vector<Acknowledgement> acknowledge;

  const Site* find_site(const std::string& name) const;
  const Server* find_server(const std::string& name) const;
  const Database* find_database(const DatabaseRef& ref) const;
  int site_index(const std::string& name) const;    // -1 if absent
  int server_index(const std::string& name) const;  // -1 if absent
};

std::string_view to_string(Role r);
std::string_view to_string(ExchangeVersion v);
std::string_view to_string(AdminTool t);
std::string_view to_string(OperationAction a);
bool is_2007_role(Role r);

}  // namespace coexlab

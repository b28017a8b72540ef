#include "pilot.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <map>
#include <stdexcept>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "csv.hpp"

namespace coexlab {
namespace {

std::optional<std::int64_t> parse_count(std::string_view text) {
  std::int64_t v = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc{} || r.ptr != text.data() + text.size() || v < 0) return std::nullopt;
  return v;
}

// The mailboxes a pilot row may name: the id, the inventory's display name and identity.
struct MailboxIndex {
  std::map<std::string, std::vector<int>> by_key;
  explicit MailboxIndex(const std::vector<Mailbox>& mailboxes) {
    for (size_t i = 0; i < mailboxes.size(); ++i) {
      const Mailbox& m = mailboxes[i];
      std::vector<std::string> keys{m.id};
      if (!m.name.empty() && m.name != m.id) keys.push_back(m.name);
      if (!m.identity.empty() && m.identity != m.id && m.identity != m.name)
        keys.push_back(m.identity);
      for (const std::string& k : keys) by_key[k].push_back(static_cast<int>(i));
    }
  }
};

// The batch that holds mailbox `m` in the scenario's queue, else the first from its database.
std::optional<std::pair<int, int>> scenario_target(const Scenario& s,
                                                   const std::vector<Mailbox>& mailboxes,
                                                   const std::vector<MoveRequest>& queue, int m) {
  for (const MoveRequest& r : queue) {
    if (r.mailbox == m) return std::make_pair(r.target_server, r.target_database);
  }
  const Mailbox& mb = mailboxes[static_cast<size_t>(m)];
  const Server& server = s.servers[static_cast<size_t>(mb.server)];
  const std::string& db = server.databases[static_cast<size_t>(mb.database)].name;
  for (const Batch& b : s.migration.batches) {
    if (b.from.server != server.name || b.from.database != db) continue;
    const int t = s.server_index(b.to.server);
    if (t < 0) continue;
    const auto& dbs = s.servers[static_cast<size_t>(t)].databases;
    for (size_t d = 0; d < dbs.size(); ++d)
      if (dbs[d].name == b.to.database) return std::make_pair(t, static_cast<int>(d));
  }
  return std::nullopt;
}

constexpr const char* kRequired[] = {"mailbox", "start", "end", "status"};
constexpr const char* kOptional[] = {"size_bytes", "items", "target"};

}  // namespace

std::vector<const PilotMove*> Pilot::moved() const {
  std::vector<const PilotMove*> out;
  for (const PilotMove& m : moves)
    if (m.moved) out.push_back(&m);
  std::stable_sort(out.begin(), out.end(), [](const PilotMove* a, const PilotMove* b) {
    return a->start.epoch_seconds() < b->start.epoch_seconds();
  });
  return out;
}

std::optional<Pilot> read_pilot(std::string_view text, const std::string& label, const Scenario& s,
                                const std::vector<Mailbox>& mailboxes, Diagnostics& diags) {
  const CsvReadResult csv = read_csv_text(text, label, CsvLimits{}, true);
  if (csv.error) {
    diags.error(csv.error->pos, csv.error->message);
    return std::nullopt;
  }
  if (csv.records.empty()) {
    diags.error({label, 1, 1},
                "the pilot file is empty: expected a header (mailbox,start,end,"
                "status[,size_bytes,items,target]) and one row per pilot move");
    return std::nullopt;
  }
  const CsvRecord& header = csv.records.front();
  std::map<std::string, int> column;  // lower-case name -> index
  for (size_t c = 0; c < header.fields.size(); ++c) {
    const std::string name = ascii_lower(header.fields[c].text);
    if (column.count(name)) {
      diags.error({label, header.fields[c].line, header.fields[c].column},
                  fmt::format("column '{}' appears twice in the header", shown_field(name)));
    }
    column.emplace(name, static_cast<int>(c));
  }
  bool header_ok = !diags.has_errors();
  for (const char* required : kRequired) {
    if (column.count(required)) continue;
    std::string have;
    for (const CsvField& f : header.fields) have += (have.empty() ? "" : ",") + shown_field(f.text);
    diags.error({label, header.line, 1},
                fmt::format("the column '{}' is missing (the header has: {}); a pilot needs "
                            "mailbox, start, end and status (docs/calibrate.md)",
                            required, have));
    header_ok = false;
  }
  if (!header_ok) return std::nullopt;
  const auto col = [&](const char* name) {
    const auto it = column.find(name);
    return it == column.end() ? -1 : it->second;
  };
  const int c_mailbox = col("mailbox"), c_start = col("start"), c_end = col("end"),
            c_status = col("status"), c_size = col(kOptional[0]), c_items = col(kOptional[1]),
            c_target = col(kOptional[2]);

  const MailboxIndex index(mailboxes);
  const std::vector<MoveRequest> queue = build_move_queue(s, mailboxes);
  Pilot pilot;
  pilot.label = label;
  std::map<int, int> first_line;  // mailbox -> line of its first row
  const int errors_before = diags.error_count();
  for (size_t r = 1; r < csv.records.size(); ++r) {
    const CsvRecord& rec = csv.records[r];
    const auto field = [&](int c) -> const CsvField* {
      return c >= 0 && static_cast<size_t>(c) < rec.fields.size() ? &rec.fields[size_t(c)]
                                                                  : nullptr;
    };
    const auto at = [&](const CsvField* f) -> SourcePos {
      return f ? SourcePos{label, f->line, f->column} : SourcePos{label, rec.line, 1};
    };
    bool ok = true;
    const auto bad = [&](const CsvField* f, std::string message) {
      diags.error(at(f), std::move(message));
      ok = false;
    };
    if (rec.fields.size() != header.fields.size()) {
      bad(nullptr, fmt::format("the row has {} fields, the header {}", rec.fields.size(),
                               header.fields.size()));
      continue;
    }
    PilotMove m;
    m.line = rec.line;
    const CsvField* fm = field(c_mailbox);
    m.key = fm->text;
    const auto hit = index.by_key.find(m.key);
    if (m.key.empty()) {
      bad(fm, "the mailbox is empty");
    } else if (hit == index.by_key.end()) {
      bad(fm, fmt::format("unknown mailbox '{}': not an id (SERVER/DATABASE/NNNN), name or "
                          "identity of the scenario's mailboxes",
                          shown_field(m.key)));
    } else if (hit->second.size() > 1) {
      bad(fm,
          fmt::format("mailbox '{}' names {} mailboxes of the scenario (e.g. {} and {}): "
                      "use the id or the identity",
                      shown_field(m.key), hit->second.size(), mailboxes[size_t(hit->second[0])].id,
                      mailboxes[size_t(hit->second[1])].id));
    } else {
      m.mailbox = hit->second.front();
      const auto [it, fresh] = first_line.emplace(m.mailbox, rec.line);
      if (!fresh) {
        bad(fm, fmt::format("mailbox '{}' is in the pilot twice (first on line {}): one row "
                            "per mailbox, its last attempt",
                            shown_field(m.key), it->second));
      }
    }
    std::string why;
    const CsvField* fs = field(c_start);
    const CsvField* fe = field(c_end);
    const auto start = parse_iso_datetime(fs->text, &why);
    if (!start) bad(fs, fmt::format("start '{}': {}", shown_field(fs->text), why));
    const auto end = parse_iso_datetime(fe->text, &why);
    if (!end) bad(fe, fmt::format("end '{}': {}", shown_field(fe->text), why));
    if (start && end) {
      m.start = *start;
      m.end = *end;
      if (end->epoch_seconds() <= start->epoch_seconds()) {
        bad(fe, fmt::format("end {} is not after start {}", end->iso(), start->iso()));
      }
    }
    const CsvField* fst = field(c_status);
    const std::string status = ascii_lower(fst->text);
    if (status == "moved") {
      m.moved = true;
    } else if (status != "failed") {
      bad(fst, fmt::format("status '{}': expected moved or failed", shown_field(fst->text)));
    }
    if (m.mailbox >= 0) {
      m.size = mailboxes[size_t(m.mailbox)].size;
      m.items = mailboxes[size_t(m.mailbox)].items;
    }
    if (const CsvField* f = field(c_size); f && !f->text.empty()) {
      const auto v = parse_count(f->text);
      if (!v || *v == 0) {
        bad(f, fmt::format("size_bytes '{}': expected a whole number of bytes above 0",
                           shown_field(f->text)));
      } else {
        m.size = Bytes{static_cast<double>(*v)};
      }
    }
    if (const CsvField* f = field(c_items); f && !f->text.empty()) {
      const auto v = parse_count(f->text);
      if (!v || *v > 1'000'000'000) {
        bad(f, fmt::format("items '{}': expected a whole number from 0 to 10^9",
                           shown_field(f->text)));
      } else {
        m.items = *v;
      }
    }
    if (const CsvField* f = field(c_target); f && !f->text.empty()) {
      const size_t slash = f->text.find('/');
      const int t = slash == std::string::npos ? -1 : s.server_index(f->text.substr(0, slash));
      if (t >= 0) {
        const auto& dbs = s.servers[size_t(t)].databases;
        for (size_t d = 0; d < dbs.size(); ++d)
          if (dbs[d].name == f->text.substr(slash + 1)) m.target_database = int(d);
      }
      if (t < 0 || m.target_database < 0) {
        bad(f, fmt::format("target '{}': not a SERVER/DATABASE of the scenario",
                           shown_field(f->text)));
      } else {
        m.target_server = t;
      }
    } else if (m.mailbox >= 0 && m.moved) {
      if (const auto t = scenario_target(s, mailboxes, queue, m.mailbox)) {
        m.target_server = t->first;
        m.target_database = t->second;
      } else {
        bad(fm, fmt::format("mailbox '{}' is in no batch of the scenario and no batch moves its "
                            "database: give its target in a `target` column (SERVER/DATABASE)",
                            shown_field(m.key)));
      }
    }
    if (ok) pilot.moves.push_back(std::move(m));
  }
  if (diags.error_count() > errors_before) return std::nullopt;
  const size_t moved = pilot.moved().size();
  if (pilot.moves.empty()) {
    diags.error({label, header.line, 1}, "the pilot has no moves: one row per pilot mailbox");
  } else if (moved == 0) {
    diags.error({label, pilot.moves.front().line, 1},
                fmt::format("every move of the pilot failed ({} rows): there is no duration to "
                            "fit",
                            pilot.moves.size()));
  } else if (moved == 1) {
    diags.error({label, pilot.moved().front()->line, 1},
                "the pilot has one moved mailbox: a fit needs at least two (more than the "
                "constants it fits, for an interval)");
  }
  if (diags.has_errors()) return std::nullopt;
  return pilot;
}

// ---- the pilot scenario -----------------------------------------------------------------------

PilotScenario pilot_scenario(const std::string& scenario_yaml, const std::string& scenario_dir,
                             const Scenario& s, const std::vector<Mailbox>& mailboxes,
                             const Pilot& pilot) {
  namespace fs = std::filesystem;
  YAML::Node root = YAML::Load(scenario_yaml);
  if (!root.IsMap() || !root["servers"].IsSequence())
    throw std::runtime_error("the scenario has no list of servers");
  // Inventories of the scenario's own databases, found from the pilot scenario's folder.
  for (YAML::Node server : root["servers"]) {
    if (!server["databases"].IsSequence()) continue;
    for (YAML::Node db : server["databases"]) {
      YAML::Node from = db["mailboxes"].IsMap() ? db["mailboxes"]["from"] : YAML::Node();
      if (from.IsScalar() && fs::path(from.as<std::string>()).is_relative()) {
        from = (fs::absolute(fs::path(scenario_dir)) / from.as<std::string>())
                   .lexically_normal()
                   .string();
      }
    }
  }
  const std::vector<const PilotMove*> moved = pilot.moved();
  PilotScenario out;
  YAML::Node batches(YAML::NodeType::Sequence);
  for (size_t k = 0; k < moved.size(); ++k) {
    const PilotMove& m = *moved[k];
    const Mailbox& mb = mailboxes[size_t(m.mailbox)];
    const std::string& server = s.servers[size_t(mb.server)].name;
    const std::string db = fmt::format("coexlab_pilot_{}", k + 1);
    const std::string file = fmt::format("pilot-{}.csv", k + 1);
    out.inventories.emplace_back(file, "DisplayName,ItemCount,TotalItemSize\n" +
                                           csv_record({m.key, std::to_string(m.items),
                                                       fmt::format("{:.0f}B", m.size.value)}) +
                                           "\n");
    out.ids.push_back(mailbox_id(server, db, 1));
    YAML::Node database;
    database["name"] = db;
    database["mailboxes"]["from"] = file;
    database["mailboxes"]["profile"] = mb.profile;
    for (YAML::Node srv : root["servers"]) {
      if (srv["name"].IsScalar() && srv["name"].as<std::string>() == server)
        srv["databases"].push_back(database);
    }
    const Server& target = s.servers[size_t(m.target_server)];
    YAML::Node batch;
    batch["name"] = fmt::format("pilot-{}", k + 1);
    batch["from"] = fmt::format("{}/{}", server, db);
    batch["to"] =
        fmt::format("{}/{}", target.name, target.databases[size_t(m.target_database)].name);
    batch["not_before"] = m.start.iso();
    batches.push_back(batch);
  }
  root["start"] = moved.front()->start.iso();
  YAML::Node migration = root["migration"];
  migration["batches"] = batches;
  migration["max_threads"] = std::min<size_t>(moved.size(), 1000);
  migration["scheduler"] = "fifo";
  migration.remove("throttles");
  migration.remove("windows");
  root.remove("checks");
  // A simulated bad item would fail a move that the pilot measured as moved.
  root["calibration"]["bad_item_rate"] = 0;
  YAML::Emitter emitter;
  emitter << root;
  out.yaml = std::string("# The pilot as it ran, written by coexlab calibrate from ") + s.file +
             " and " + pilot.label + "\n" + emitter.c_str() + "\n";
  return out;
}

}  // namespace coexlab

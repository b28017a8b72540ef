// `mailboxes: { from: FILE, ... }`: the mailboxes of a database from an inventory file.
#include "loader_impl.hpp"

#include <filesystem>

#include <fmt/format.h>

namespace coexlab {

// `mailboxes: { from: FILE, database: TEXT, profile: P }` (SPEC §5.3): the rows of an
// inventory, FILE relative to the scenario file; errors in the CSV are positioned there.
void Loader::load_inventory(const YAML::Node& n, Database& db, const std::string& what) {
  MailboxPopulation& m = db.mailboxes;
  for (const char* key : {"count", "size", "items_per_mb"}) {
    if (n[key].IsDefined()) {
      error(n[key], fmt::format("{}: '{}' is not allowed with 'from': the inventory gives each "
                                "mailbox's size and items",
                                what, key));
    }
  }
  if (present(n["profile"])) {
    m.profile_pos = pos(n["profile"]);
    if (auto nm = name(n["profile"], what + " profile")) m.profile = *nm;
  }
  if (present(n["database"])) {
    if (auto d = scalar(n["database"], what + " database")) {
      if (d->empty()) {
        error(n["database"], what + " database is empty");
      } else {
        m.from_database = *d;
      }
    }
  }
  const YAML::Node from = n["from"];
  const auto file = scalar(from, what + " from");
  if (!file) return;
  if (file->empty()) {
    error(from, what + " from: the inventory file name is empty");
    return;
  }
  namespace fs = std::filesystem;
  m.from = *file;
  m.from_pos = pos(from);
  m.from_path = (fs::path(file_).parent_path() / fs::path(*file)).lexically_normal().string();
  auto [it, fresh] = inventories_.try_emplace(m.from_path);
  InventoryFile& inv = it->second;
  if (fresh) {
    std::string why;
    if (auto text = read_inventory_file(m.from_path, &why)) {
      inv.table = parse_inventory(*text, m.from_path, diags_);
      if (inv.table) {
        inv.rows.resize(inv.table->rows.size());
        inv.converted.resize(inv.table->rows.size(), false);
      }
    } else {
      inv.read_error = std::move(why);
    }
  }
  if (!inv.read_error.empty()) {
    error(from, fmt::format("{} from: cannot read the inventory '{}': {}", what, m.from_path,
                            inv.read_error));
    return;
  }
  if (!inv.table) return;  // its errors are reported at the file's positions
  const InventoryTable& t = *inv.table;
  if (m.from_database && t.database < 0) {
    error(n["database"], fmt::format("{} database: '{}' has no 'Database' column to select "
                                     "rows by",
                                     what, m.from_path));
    return;
  }
  const std::vector<size_t> rows = select_inventory_rows(t, m.from_database);
  if (rows.empty()) {
    if (m.from_database) {
      std::string known;
      const std::vector<std::string> dbs = inventory_databases(t);
      for (size_t i = 0; i < dbs.size() && i < 5; ++i) known += (i ? "', '" : "") + dbs[i];
      error(n["database"], fmt::format("{} database: no row of '{}' has Database '{}'{}", what,
                                       m.from_path, *m.from_database,
                                       dbs.empty() ? std::string()
                                                   : fmt::format(" (it has '{}'{})", known,
                                                                 dbs.size() > 5 ? ", ..." : "")));
    } else {
      diags_.error({t.label, t.header_line, 1},
                   "the inventory has a header and no mailbox rows after it");
    }
    return;
  }
  if (std::int64_t(rows.size()) > Limits::kMaxMailboxesPerDatabase) {
    error(from, fmt::format("{} from: {} rows exceed the limit of {} mailboxes per database", what,
                            rows.size(), Limits::kMaxMailboxesPerDatabase));
    return;
  }
  m.inventory.reserve(rows.size());
  for (size_t r : rows) {
    if (!inv.converted[r]) {
      inv.rows[r] = inventory_row(t, r, diags_);
      inv.converted[r] = true;
    }
    if (!inv.rows[r]) continue;
    const InventoryMailbox& row = *inv.rows[r];
    auto [first, added] = identities_.try_emplace(row.identity_from + ":" + row.identity, row.pos);
    if (!added && row.identity_from == "DisplayName") {
      // No MailboxGuid or LegacyDN: two users may share a display name. Both move; only a
      // plan that names them by identity cannot tell them apart.
      diags_.warning(row.pos,
                     fmt::format("mailbox '{}' has the display name of the one at "
                                 "{}:{} and no MailboxGuid or LegacyDN to tell them "
                                 "apart: export those columns too",
                                 row.name, first->second.source, first->second.line),
                     "identity");
    } else if (!added) {
      diags_.error(row.pos, fmt::format("mailbox '{}' ({} '{}') is already at {}:{}: a "
                                        "mailbox is in one database",
                                        row.name, row.identity_from, row.identity,
                                        first->second.source, first->second.line));
      continue;
    }
    m.inventory.push_back(row);
  }
  // The good rows (with errors, the scenario is not run: the rules see the rows that loaded).
  m.count = static_cast<std::int64_t>(m.inventory.size());
}

}  // namespace coexlab

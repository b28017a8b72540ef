#include "mailboxes.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "random.hpp"

namespace coexlab {
namespace {

double draw_size(const SizeSpec& spec, RandomStream& rng) {
  switch (spec.distribution) {
    case SizeDistribution::fixed:
      return spec.fixed.value;
    case SizeDistribution::uniform:
      return rng.uniform(spec.min.value, spec.max.value);
    case SizeDistribution::lognormal: {
      // Parameters of the underlying normal from the mean m and stddev s of the sizes:
      // sigma^2 = ln(1 + s^2/m^2), mu = ln m - sigma^2 / 2.
      const double m = spec.mean.value;
      const double s = spec.stddev.value;
      const double sigma2 = std::log1p((s * s) / (m * m));
      const double mu = std::log(m) - sigma2 / 2;
      return std::exp(mu + std::sqrt(sigma2) * rng.normal());
    }
  }
  return 0;
}

// migration.order_seed: a uniformly random permutation (Fisher-Yates over our own stream,
// the same on every machine), the queue indices renumbered so that ties break on the new
// order. The draw depends on order_seed alone, not on the scenario's seed.
void shuffle_queue(std::vector<MoveRequest>& queue, std::uint64_t order_seed) {
  RandomStream rng(order_seed, "queue order");
  for (size_t i = queue.size(); i > 1; --i) {
    const auto j = static_cast<size_t>(rng.uniform() * double(i));
    std::swap(queue[i - 1], queue[std::min(j, i - 1)]);
  }
  for (size_t i = 0; i < queue.size(); ++i) queue[i].queue_index = static_cast<int>(i);
}

}  // namespace

std::string mailbox_id(const std::string& server, const std::string& database, std::int64_t index) {
  return fmt::format("{}/{}/{:04}", server, database, index);
}

std::vector<Mailbox> generate_database_mailboxes(const Scenario& s, int server, int database) {
  const Server& sv = s.servers[static_cast<size_t>(server)];
  const Database& db = sv.databases[static_cast<size_t>(database)];
  const MailboxPopulation& pop = db.mailboxes;
  std::vector<Mailbox> out;
  out.reserve(static_cast<size_t>(pop.count));
  if (pop.from_inventory()) {  // the rows of the inventory, in file order: no randomness
    std::int64_t i = 0;
    for (const InventoryMailbox& row : pop.inventory) {
      Mailbox m;
      m.id = mailbox_id(sv.name, db.name, ++i);
      m.server = server;
      m.database = database;
      m.size = row.size;
      // ItemCount 0 counts as one item, as for a generated mailbox: a folder walk.
      m.items = std::max<std::int64_t>(1, row.items);
      m.profile = pop.profile;
      m.name = row.name;
      m.identity = row.identity;
      out.push_back(std::move(m));
    }
    return out;
  }
  RandomStream rng(s.seed, "mailbox-sizes/" + sv.name + "/" + db.name);
  for (std::int64_t i = 1; i <= pop.count; ++i) {
    Mailbox m;
    m.id = mailbox_id(sv.name, db.name, i);
    m.server = server;
    m.database = database;
    const double bytes = std::max(0.0, std::round(draw_size(pop.size, rng)));
    m.size = Bytes{bytes};
    // At least one item: an empty mailbox still costs a folder walk.
    m.items = std::max<std::int64_t>(1, std::llround(bytes / 1e6 * pop.items_per_mb));
    m.profile = pop.profile;
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<Mailbox> generate_mailboxes(const Scenario& s) {
  std::vector<Mailbox> all;
  std::int64_t total = 0;
  for (const Server& sv : s.servers) {
    for (const Database& db : sv.databases) total += db.mailboxes.count;
  }
  all.reserve(static_cast<size_t>(total));
  for (size_t i = 0; i < s.servers.size(); ++i) {
    for (size_t d = 0; d < s.servers[i].databases.size(); ++d) {
      auto part = generate_database_mailboxes(s, static_cast<int>(i), static_cast<int>(d));
      std::move(part.begin(), part.end(), std::back_inserter(all));
    }
  }
  return all;
}

std::int64_t batch_take(const BatchSelection& sel, std::int64_t count) {
  switch (sel.kind) {
    case BatchSelection::Kind::all:
      return count;
    case BatchSelection::Kind::count:
      return std::min(sel.count, count);
    case BatchSelection::Kind::share:
      // ceil(share × count), robust to 0.4 × 10 = 4.000000000000001
      return std::min<std::int64_t>(
          count, static_cast<std::int64_t>(std::ceil(sel.share.value * double(count) - 1e-9)));
  }
  return 0;
}

std::vector<MoveRequest> build_move_queue(const Scenario& s,
                                          const std::vector<Mailbox>& mailboxes) {
  // Index of the first mailbox of each (server, database).
  std::map<std::pair<int, int>, int> first;
  for (size_t i = 0; i < mailboxes.size(); ++i) {
    first.emplace(std::make_pair(mailboxes[i].server, mailboxes[i].database), static_cast<int>(i));
  }
  std::vector<MoveRequest> queue;
  for (size_t b = 0; b < s.migration.batches.size(); ++b) {
    const Batch& batch = s.migration.batches[b];
    const int src = s.server_index(batch.from.server);
    const int tgt = s.server_index(batch.to.server);
    if (src < 0 || tgt < 0) continue;
    int src_db = -1, tgt_db = -1;
    const auto& sdbs = s.servers[static_cast<size_t>(src)].databases;
    const auto& tdbs = s.servers[static_cast<size_t>(tgt)].databases;
    for (size_t d = 0; d < sdbs.size(); ++d)
      if (sdbs[d].name == batch.from.database) src_db = int(d);
    for (size_t d = 0; d < tdbs.size(); ++d)
      if (tdbs[d].name == batch.to.database) tgt_db = int(d);
    if (src_db < 0 || tgt_db < 0) continue;
    const std::int64_t count = sdbs[static_cast<size_t>(src_db)].mailboxes.count;
    const std::int64_t take = batch_take(batch.mailboxes, count);
    auto it = first.find({src, src_db});
    if (it == first.end()) continue;
    for (std::int64_t k = 0; k < take; ++k) {
      MoveRequest r;
      r.queue_index = static_cast<int>(queue.size());
      r.mailbox = it->second + static_cast<int>(k);
      r.batch = static_cast<int>(b);
      r.source_server = src;
      r.source_database = src_db;
      r.target_server = tgt;
      r.target_database = tgt_db;
      r.not_before = batch.not_before.value_or(Seconds{0});
      queue.push_back(r);
    }
  }
  if (s.migration.order_seed) shuffle_queue(queue, std::uint64_t(*s.migration.order_seed));
  return queue;
}

}  // namespace coexlab

// The limits a run can hold: mailboxes in total, samples x resources, per-message volume.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "checks.hpp"
#include "loader.hpp"
#include "mail_model.hpp"
#include "mailboxes.hpp"
#include "profiles.hpp"
#include "rules_impl.hpp"
#include "scenario_keys.hpp"
#include "scheduler.hpp"
#include "site_graph.hpp"
#include "space_rules.hpp"
#include "windows.hpp"

namespace coexlab {

void RuleChecker::limits() {
  std::int64_t total = 0;
  for (const Server& sv : s_.servers) {
    for (const Database& db : sv.databases) total += db.mailboxes.count;
  }
  if (total > Limits::kMaxMailboxesTotal) {
    d_.error({s_.file, 1, 1}, fmt::format("the scenario holds {} mailboxes, more than the limit "
                                          "of {}",
                                          total, Limits::kMaxMailboxesTotal));
  }
  per_message_volume();
}

// samples x resources, bounded (docs/limits.md): sim/simulate.cpp samples six resources per
// server (cpu, database_disk, log_disk, nic, log_space, database_space), a hub's queue disk,
// every site's LAN and every WAN link.
void RuleChecker::sample_budget() {
  const SimulationSettings& sim = s_.simulation;
  if (sim.sample_interval.value <= 0) return;
  double resources = double(s_.sites.size() + s_.links.size());
  for (const Server& sv : s_.servers) {
    resources += 6;
    if (sv.has(Role::hub_transport) || sv.has(Role::bridgehead)) resources += 1;
  }
  const double samples = std::floor(sim.horizon.value / sim.sample_interval.value);
  // Over the sample limit itself: the loader said so.
  if (samples > Limits::kMaxSamples || samples * resources <= Limits::kMaxSampleValues) return;
  const double least = sim.horizon.value * resources / Limits::kMaxSampleValues;
  d_.error(sim.pos, fmt::format("simulation: {:.0f} samples of {:.0f} resources are {:.0f} values "
                                "(utilisation.csv lines), more than the limit of {:.0f}; use a "
                                "sample_interval of at least {} (or a shorter horizon)",
                                samples, resources, samples * resources, Limits::kMaxSampleValues,
                                units::format_duration(Seconds{std::ceil(least)})));
}

// Mail simulated message by message, on request, for more messages than a run can hold.
void RuleChecker::per_message_volume() {
  const CostModel cost = CostModel::from(s_.calibration);
  if (s_.simulation.mail_flow != MailFlowMode::per_message || !s_.workload.enabled || cost.ideal)
    return;
  double per_day = 0;  // messages a working day: sent, and from the internet
  for (const Server& sv : s_.servers) {
    for (const Database& db : sv.databases) {
      const Profile* p = find_profile(s_, db.mailboxes.profile);
      if (!p || db.mailboxes.count <= 0) continue;
      const UserDemand d = user_demand(*p, ExchangeVersion::v2007, s_.workload.recipients, cost);
      per_day += double(db.mailboxes.count) * (d.sent + d.internet_in);
    }
  }
  const double messages = per_day * s_.simulation.horizon.value / 86400.0;
  if (messages > Limits::kMaxPerMessageMessages) {
    d_.error(s_.simulation.mail_flow_pos,
             fmt::format("simulation mail_flow per_message would simulate about {:.0f} million "
                         "messages before the horizon, more than the limit of {:.0f} million: "
                         "use aggregate (or auto), or a shorter horizon",
                         messages / 1e6, Limits::kMaxPerMessageMessages / 1e6));
  }
}

}  // namespace coexlab

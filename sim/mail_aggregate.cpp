// Aggregate: each interval's messages as background load per hop, their latency from the
// path and an M/M/c queue per hub (see mail_transport.hpp).
#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "mail_transport.hpp"

namespace coexlab::sim {
namespace {

constexpr double kDay = 86400.0;

// Where a message to a set of users goes: the servers they live on with how many of them, in
// server order, and their total (a ServerCounts flattened, summed in the same order).
struct Recipients {
  Recipients(const ServerCounts& counts, UserPopulation::RecipientSet recipients)
      : where(counts.begin(), counts.end()), set(recipients) {
    for (const auto& [server, count] : where) total += count;
  }
  std::vector<std::pair<int, double>> where;
  double total = 0;
  UserPopulation::RecipientSet set;
};

struct AggregateHub : Hub {
  int queue_io_route = -1;
  double lambda = 0;  // this interval's arrival rate
  // The current interval's contributions, added when it is known how much of it the
  // simulation covered (the last interval is usually cut by the migration's end).
  struct {
    double messages = 0, wait_sum = 0, sojourn_sum = 0, in_hub_integral = 0;
  } pending;
};

class AggregateTransport final : public MailTransport {
 public:
  explicit AggregateTransport(MailContext& c) : c_(c) {
    for (const MailPaths::Network& n : c.paths.networks())
      routes_.push_back(c.load.add_route(n.links));
    hub_of_server_.assign(c.s.servers.size(), -1);
    for (size_t i = 0; i < c.s.servers.size(); ++i) {
      if (!is_transport(c.s.servers[i])) continue;
      AggregateHub h;
      static_cast<Hub&>(h) = make_hub(c, int(i));
      h.queue_io_route = c.load.add_route(
          {sg4::LinkInRoute(h.meter), sg4::LinkInRoute(c.platform.server(int(i)).database_disk)});
      hub_of_server_[i] = int(hubs_.size());
      hubs_.push_back(h);
    }
  }

  void start() override {}

  void plan_interval(double t0, double dt) override { plan_transport(t0, dt); }

  void run_interval(double /*t0*/, double /*t1*/) override {}

  void move_ended(int mailbox) override { release_held(mailbox); }

  void finish(double end) override {
    commit_interval(end);
    for (const Hub& h : hubs_) c_.rec.mail.hubs.push_back(hub_stats(c_, h, end));
    c_.rec.mail.undelivered = 0;
  }

  std::vector<std::pair<int, sg4::Link*>> hub_meters() const override {
    std::vector<std::pair<int, sg4::Link*>> out;
    for (const Hub& h : hubs_) out.emplace_back(h.server, h.meter);
    return out;
  }

 private:
  void load(int network, double bytes) { c_.load.load(routes_[size_t(network)], bytes); }

  // Messages per path in this interval (expected counts), their loads, and their latency.
  void plan_transport(double t0, double dt) {
    const Scenario& s = c_.s;
    const CostModel& cost = c_.cost;
    const UserPopulation& users = c_.users;
    // Messages and bytes per path this interval, in the dense table by path id; `touched_`
    // lists the ids used, visited in id order below so that every sum is deterministic.
    if (volume_.empty()) volume_.resize(c_.paths.path_count());
    std::map<int, double> held_now;  // path id -> messages held for mailboxes being moved
    const RecipientMix& mix = s.workload.recipients;
    using Set = UserPopulation::RecipientSet;
    // Per site, the servers where its own users and the other sites' users live, flattened with
    // their total: built once per interval (the population does not change while the interval
    // is planned) and read by every database of the site.
    std::vector<std::optional<Recipients>> own_site(s.sites.size()), other_sites(s.sites.size());
    const auto recipients_at = [&](int site, bool own) -> const Recipients& {
      std::optional<Recipients>& r = (own ? own_site : other_sites)[size_t(site)];
      if (!r && own) r.emplace(users.site_where(site), Set{Set::Kind::site, site});
      if (!r) r.emplace(users.other_sites_where(site), users.other_sites_set(site));
      return *r;
    };
    for (const auto& [key, p] : users.groups()) {
      if (p.users <= 0.5 || !c_.storage.mounted(key.first)) continue;
      const int server = key.first;
      const int o = key.second;
      const int site = users.database_site(o);
      const double share = c_.site_factor[size_t(site)] * dt / kDay;
      const double sent = p.sent * share;
      const double size = p.sent > 0 ? p.sent_bytes / p.sent : 0;
      const auto add = [&](const MailPath& path, double n, double bytes_each) {
        if (!path.valid || n <= 0) return;
        Volume& v = volume_[size_t(path.id)];
        if (!v.path) {
          v.path = &path;
          touched_.push_back(path.id);
        }
        v.messages += n;
        v.bytes += n * bytes_each;
      };
      add(c_.paths.outbound(server), sent * mix.internet.value, size);
      const auto spread = [&](const Recipients& to, double n) {
        if (to.total <= 0) return;
        for (const auto& [r, count] : to.where)
          add(c_.paths.internal(server, r), n * count / to.total, size);
        // Each user gets n / total of them; a user being moved gets them when the move ends.
        for (int m : users.moving_list()) {
          if (!users.in_set(m, to.set) || n <= 0) continue;
          const MailPath& path = c_.paths.internal(server, users.home_server(m));
          if (!path.valid) continue;
          held_now[path.id] += hold(m, path, n / to.total, t0, dt);
        }
      };
      spread(Recipients(users.database_where(o), Set{Set::Kind::database, o}),
             sent * mix.same_database.value);
      spread(recipients_at(site, true), sent * mix.same_site.value);
      spread(recipients_at(site, false), sent * mix.other_site.value);
      if (p.internet_in > 0)
        add(c_.paths.inbound(server), p.internet_in * share, p.in_bytes / p.internet_in);
    }
    std::sort(touched_.begin(), touched_.end());
    // Resources: bytes per hop, cycles per stop, queue I/O per hub; arrival rates at hubs.
    for (AggregateHub& h : hubs_) h.lambda = 0;
    const auto stop = [&](int server, bool last, bool outbound, double n) {
      if (last && !outbound) {
        c_.load.add_cycles(server, n * cost.store_cpu_cycles_per_message);
      } else if (hub_of_server_[size_t(server)] >= 0) {
        AggregateHub& h = hubs_[size_t(hub_of_server_[size_t(server)])];
        c_.load.add_cycles(server, n * cost.hub_cpu_cycles_per_message);
        c_.load.load(h.queue_io_route,
                     n * cost.hub_queue_ios_per_message * c_.platform.server(server).page_size);
        h.lambda += n / dt;
      } else {
        c_.load.add_cycles(server, n * cost.smtp_cpu_cycles_per_message);
      }
    };
    for (const int id : touched_) {
      const auto& [path, n, bytes] = volume_[size_t(id)];
      const MailPath& p = *path;
      if (p.inbound) {
        load(p.in_network, bytes);
        stop(p.first, false, false, n);
      } else {
        c_.load.add_cycles(p.first, n * cost.store_cpu_cycles_per_message);
      }
      for (size_t i = 0; i < p.hops.size(); ++i) {
        const PathHop& h = p.hops[i];
        if (h.network >= 0) load(h.network, bytes);
        stop(h.hop.to_server, i + 1 == p.hops.size(), p.outbound, n);
      }
      if (p.outbound) load(p.out_network, bytes);
    }
    // Latency: round trips, transfers at nominal rates, the store, relays, and an M/M/c
    // queue at each hub for this interval's arrivals.
    commit_interval(t0);  // the previous interval, whole
    pending_t0_ = t0;
    pending_dt_ = dt;
    std::vector<double> hub_time(hubs_.size(), 0);
    for (size_t k = 0; k < hubs_.size(); ++k) {
      AggregateHub& h = hubs_[k];
      const double service = cost.hub_cpu_cycles_per_message / h.clock + h.io_time;
      double wait = mmc_mean_wait(h.lambda, service, h.cores);
      if (!std::isfinite(wait)) wait = dt;  // saturated: mail waits for the next interval
      hub_time[k] = service + wait;
      const double n = h.lambda * dt;
      h.pending.messages = n;
      h.pending.wait_sum = n * wait;
      h.pending.sojourn_sum = n * (service + wait);
      h.pending.in_hub_integral = h.lambda * (service + wait) * dt;  // Little: L = lambda W
      h.peak = std::max(h.peak, h.lambda * (service + wait));
    }
    std::map<PathClass, std::pair<double, double>> by_class;  // class -> (n, n x latency)
    for (const int id : touched_) {
      const auto& [path, n, bytes] = volume_[size_t(id)];
      const MailPath& p = *path;
      double t = p.round_trips + p.seconds_per_byte * (n > 0 ? bytes / n : 0);
      const auto stop_time = [&](int server, bool last) {
        const Server& sv = s.servers[size_t(server)];
        if (last && !p.outbound) return cost.store_cpu_cycles_per_message / sv.hardware.clock.value;
        if (hub_of_server_[size_t(server)] >= 0)
          return hub_time[size_t(hub_of_server_[size_t(server)])];
        return cost.smtp_cpu_cycles_per_message / sv.hardware.clock.value;
      };
      if (p.inbound)
        t += stop_time(p.first, false);
      else
        t += cost.store_cpu_cycles_per_message / s.servers[size_t(p.first)].hardware.clock.value;
      for (size_t i = 0; i < p.hops.size(); ++i)
        t += stop_time(p.hops[i].hop.to_server, i + 1 == p.hops.size());
      // Held messages are delivered when their mailbox's move ends (release_held), not now.
      const auto held = held_now.find(p.id);
      const double now_n = n - (held != held_now.end() ? held->second : 0.0);
      auto& cls = by_class[p.path_class];
      cls.first += now_n;
      cls.second += now_n * t;
    }
    // Recorded by class name, in name order.
    std::map<std::string, std::pair<double, double>> by_name;
    for (const auto& [cls, v] : by_class) by_name[std::string(to_string(cls))] = v;
    for (const auto& [name, v] : by_name) {
      if (v.first > 0) pending_mail_.push_back({name, t0 + dt, v.second / v.first, v.first});
    }
    for (const int id : touched_) volume_[size_t(id)] = Volume{};
    touched_.clear();
  }

  // Adds the pending interval's messages and hub statistics for the part of it before
  // `until`: all of it once the next interval starts, a share of it at the end of the run.
  void commit_interval(double until) {
    if (pending_dt_ <= 0) return;
    const double f = std::clamp((until - pending_t0_) / pending_dt_, 0.0, 1.0);
    for (AggregateHub& h : hubs_) {
      h.messages += f * h.pending.messages;
      h.wait_sum += f * h.pending.wait_sum;
      h.sojourn_sum += f * h.pending.sojourn_sum;
      h.in_hub_integral += f * h.pending.in_hub_integral;
      h.pending = {};
    }
    for (DeliveredMail& d : pending_mail_) {
      d.weight *= f;
      d.time_s = std::min(d.time_s, until);
      if (d.weight > 0) c_.rec.mail.mail.push_back(d);
    }
    pending_mail_.clear();
    pending_dt_ = 0;
  }

  // Per mailbox being moved, the messages held for it by path class.
  struct Held {
    struct Class {
      double messages = 0, arrival_sum = 0;  // held so far (messages x arrival time)
      double last = 0;                       // of which in the latest interval
    };
    std::map<std::string, Class> by_class;
    double first = -1;                  // the first arrival held
    double last_from = 0, last_to = 0;  // the part of the latest interval that held mail
  };

  // `messages` of the interval [t0, t0 + dt) for mailbox `m` (being moved): the part of the
  // interval since its move started is held, arriving evenly over it. Returns how many.
  double hold(int m, const MailPath& path, double messages, double t0, double dt) {
    const double from = std::max(t0, c_.users.move_start(m));
    const double to = t0 + dt;
    if (to <= from) return 0;
    const double n = messages * (to - from) / dt;
    Held& h = held_[m];
    if (h.last_to != to) {  // a new interval: the previous one's share is settled
      for (auto& [cls, c] : h.by_class) c.last = 0;
      h.last_from = from;
      h.last_to = to;
    }
    Held::Class& c = h.by_class[std::string(to_string(path.path_class))];
    c.messages += n;
    c.arrival_sum += n * 0.5 * (from + to);
    c.last += n;
    if (h.first < 0) h.first = from;
    return n;
  }

  // The move of `m` ended: its held mail is delivered now, each class at its mean wait. What
  // the latest interval held after this instant never waited: it is delivered without a wait.
  void release_held(int m) {
    const auto it = held_.find(m);
    if (it == held_.end()) return;
    const double now = sg4::Engine::get_clock();
    Held& h = it->second;
    const double after = h.last_to > now && h.last_to > h.last_from
                             ? (h.last_to - now) / (h.last_to - h.last_from)
                             : 0.0;
    for (auto& [cls, c] : h.by_class) {
      const double late = c.last * after;  // arrived after the move ended
      c.messages -= late;
      c.arrival_sum -= late * 0.5 * (now + h.last_to);
      if (late > 0) c_.rec.mail.mail.push_back({cls, now, 0.0, late});
      if (c.messages <= 0) continue;
      const double wait = std::max(0.0, now - c.arrival_sum / c.messages);
      c_.rec.mail.mail.push_back({cls, now, wait, c.messages});
      note_delay(c_.rec.mail, c.messages, wait, std::max(0.0, now - h.first));
    }
    held_.erase(it);
  }

  MailContext& c_;
  std::vector<int> routes_;  // per MailPaths network: its background route
  std::vector<AggregateHub> hubs_;
  std::vector<int> hub_of_server_;
  std::map<int, Held> held_;
  double pending_t0_ = 0, pending_dt_ = 0;  // the interval not yet committed
  std::vector<DeliveredMail> pending_mail_;
  struct Volume {
    const MailPath* path = nullptr;  // set when the interval first sends along it
    double messages = 0, bytes = 0;
  };
  std::vector<Volume> volume_;  // by MailPath::id, cleared after each interval
  std::vector<int> touched_;    // the ids of volume_ in use
};

}  // namespace

std::unique_ptr<MailTransport> make_aggregate_transport(MailContext& c) {
  return std::make_unique<AggregateTransport>(c);
}

}  // namespace coexlab::sim

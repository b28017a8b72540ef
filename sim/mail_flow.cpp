// The users' load during the coexistence period: the population (models/population.hpp),
// their background load (background_load.hpp) and their mail (mail_transport.hpp), driven
// by one actor per load interval and told of the moves.
#include "mail_flow.hpp"

#include <algorithm>
#include <map>
#include <string>

#include <simgrid/s4u.hpp>

#include "background_load.hpp"
#include "mail_model.hpp"
#include "mail_paths.hpp"
#include "mail_transport.hpp"
#include "population.hpp"
#include "profiles.hpp"

namespace coexlab::sim {
namespace {

constexpr double kDay = 86400.0;
constexpr int kNone = -1;

}  // namespace

class MailFlowModel final : public MoveObserver {
 public:
  MailFlowModel(const Scenario& s, const CostModel& cost, Platform& platform,
                const SiteGraph& graph, Recording& rec, Storage& storage,
                const std::vector<Mailbox>& mailboxes)
      : s_(s),
        cost_(cost),
        platform_(platform),
        graph_(graph),
        rec_(rec),
        storage_(storage),
        users_(s, cost, mailboxes),
        load_(s, platform),
        paths_(s, graph, cost, platform),
        ctx_{s, cost, platform, rec, storage, users_, paths_, load_, {}} {
    mode_ = mail_flow_mode(s, cost, mailboxes);
    interval_ = cost.load_interval.value > 0 ? cost.load_interval.value : 300;
    horizon_ = s.simulation.horizon.value;
    transport_ = mode_ == MailFlowMode::per_message ? make_per_message_transport(ctx_)
                                                    : make_aggregate_transport(ctx_);
    make_streams();
    rec_.mail.simulated = true;
    rec_.mail.mode = mode_ == MailFlowMode::per_message ? "per_message" : "aggregate";
  }

  // ---- MoveObserver: the user is offline while the mailbox moves -----------------------------
  void move_started(int mailbox) override {
    users_.move_started(mailbox, sg4::Engine::get_clock());
  }
  void move_ended(int mailbox, int server, int /*database*/) override {
    users_.move_ended(mailbox, server);
    transport_->move_ended(mailbox);
  }

  double background_bytes(const sg4::Link* link, double now) const {
    return load_.bytes(link, now);
  }
  std::vector<std::pair<int, sg4::Link*>> hub_meters() const { return transport_->hub_meters(); }

  void start() {
    transport_->start();
    sg4::Actor::create("users", platform_.server(0).host, [this] { users_main(); })->daemonize();
  }

  void finish(double end) { transport_->finish(end); }

 private:
  // ---- set-up: the routes of the users' own load ------------------------------------------------
  // The Client Access (or front-end) server that serves a user's OWA and POP/IMAP.
  int web_server_for(int mailbox_server) const {
    const Server& mb = s_.servers[size_t(mailbox_server)];
    const bool legacy_front_end =
        mb.is_2003() && s_.workload.legacy_web_access == LegacyWebAccess::front_end;
    const auto pick = [&](bool same_site) {
      for (size_t i = 0; i < s_.servers.size(); ++i) {
        const Server& sv = s_.servers[i];
        const bool fits = legacy_front_end ? (sv.is_2003() && sv.has(Role::front_end))
                                           : (sv.is_2007() && sv.has(Role::client_access));
        if (fits && (!same_site || sv.site == mb.site)) return int(i);
      }
      return kNone;
    };
    const int local = pick(true);
    return local >= 0 ? local : pick(false);
  }

  // Links between a server and the clients of a site (the clients sit on the site's LAN).
  std::vector<sg4::LinkInRoute> client_links(int server, int site, bool to_client) const {
    using Dir = sg4::LinkInRoute::Direction;
    const ServerPlatform& sp = platform_.server(server);
    const int server_site = s_.site_index(s_.servers[size_t(server)].site);
    std::vector<sg4::LinkInRoute> links;
    links.emplace_back(sp.nic, to_client ? Dir::UP : Dir::DOWN);
    if (server_site == site) {
      links.emplace_back(platform_.lan(site), Dir::UP);  // inside a site: the LAN's UP side
      return links;
    }
    const int from = to_client ? server_site : site;
    const int to = to_client ? site : server_site;
    links.emplace_back(platform_.lan(from), Dir::UP);
    const auto& route = graph_.route(from, to);
    if (route) {
      for (size_t k = 0; k < route->links.size(); ++k) {
        const Link& l = s_.links[size_t(route->links[k])];
        const bool forward = l.site_a == s_.sites[size_t(route->sites[k])].name;
        links.emplace_back(platform_.wan(route->links[k]), forward ? Dir::UP : Dir::DOWN);
      }
    }
    links.emplace_back(platform_.lan(to), Dir::DOWN);
    return links;
  }

  int client_route(int server, int site, bool to_client) {
    const size_t key =
        (size_t(to_client ? 0 : 1) * s_.servers.size() + size_t(server)) * s_.sites.size() +
        size_t(site);
    int& id = client_routes_[key];
    if (id < 0) id = load_.add_route(client_links(server, site, to_client));
    return id;
  }

  int leg_route(int from, int to) {
    int& id = leg_routes_[size_t(from) * s_.servers.size() + size_t(to)];
    if (id < 0) id = load_.add_route(platform_.leg(from, to).links);
    return id;
  }

  void make_streams() {
    client_routes_.assign(2 * s_.servers.size() * s_.sites.size(), -1);
    leg_routes_.assign(s_.servers.size() * s_.servers.size(), -1);
    for (size_t i = 0; i < s_.servers.size(); ++i) {
      const ServerPlatform& sp = platform_.server(int(i));
      db_route_.push_back(load_.add_route({sg4::LinkInRoute(sp.database_disk)}));
      log_route_.push_back(load_.add_route({sg4::LinkInRoute(sp.log_disk)}));
    }
    // Client traffic: every mailbox server with the clients of every site that has users.
    std::vector<bool> user_site(s_.sites.size(), false);
    for (int site : users_.user_sites()) user_site[size_t(site)] = true;
    web_of_.assign(s_.servers.size(), kNone);
    for (size_t server = 0; server < s_.servers.size(); ++server) {
      if (!s_.servers[server].has(Role::mailbox)) continue;
      const int web = web_of_[server] = web_server_for(int(server));
      for (size_t site = 0; site < s_.sites.size(); ++site) {
        if (!user_site[site]) continue;
        for (bool down : {true, false}) {
          client_route(int(server), int(site), down);
          if (web >= 0) client_route(web, int(site), down);
        }
      }
      if (web >= 0 && web != int(server)) {
        leg_route(int(server), web);
        leg_route(web, int(server));
      }
    }
  }

  // ---- the users' actor -------------------------------------------------------------------------
  void users_main() {
    for (double t = 0; t < horizon_; t += interval_) {
      const double end = std::min(horizon_, t + interval_);
      ctx_.site_factor.assign(s_.sites.size(), 0);
      for (size_t i = 0; i < s_.sites.size(); ++i) {
        const double local = t + 0.5 * (end - t) + s_.sites[i].utc_offset.value;
        ctx_.site_factor[i] =
            day_shape_factor(s_.workload.day_shape, minute_of_week(s_.start, local) * 60.0);
      }
      plan_background(end - t);
      transport_->plan_interval(t, end - t);
      load_.issue(t, end - t);
      transport_->run_interval(t, end);
      sg4::this_actor::sleep_until(end);
    }
  }

  void plan_background(double dt) {
    const ClientMix& mix = s_.workload.clients;
    std::vector<double> cache(s_.servers.size(), 0);
    for (const auto& [key, p] : users_.groups()) cache[size_t(key.first)] += p.cache;
    for (const auto& [key, p] : users_.groups()) {
      const int server = key.first;
      if (p.users <= 0.5 || !storage_.mounted(server)) continue;
      const Server& sv = s_.servers[size_t(server)];
      const int site = users_.database_site(key.second);
      const double f = ctx_.site_factor[size_t(site)];
      const double day_share = f * dt / kDay;
      // Database I/O: reads grow when the cache is too small for the users.
      const double read_factor = cache_read_factor(sv, Bytes{cache[size_t(server)]});
      const double ios = (p.read_iops * read_factor + (p.iops - p.read_iops)) * f * dt;
      load_.load(db_route_[size_t(server)], ios * platform_.server(server).page_size);
      // Transaction logs: the log disk's throughput and its space (what the moves fill too).
      const double logs = p.log_bytes * day_share;
      load_.load(log_route_[size_t(server)], logs);
      add_log_space(server, logs);
      // Clients: Outlook talks to the mailbox server; OWA and POP/IMAP through a web server.
      const double ops = p.client_ops * day_share;
      const double down = (p.client_bytes - p.client_bytes_sent) * day_share;
      const double up = p.client_bytes_sent * day_share;
      load_.add_cycles(server, ops * cost_.mailbox_cpu_cycles_per_operation);
      const double outlook = mix.outlook.value;
      load_.load(client_route(server, site, true), down * outlook);
      load_.load(client_route(server, site, false), up * outlook);
      const int web = web_of_[size_t(server)];
      const double web_share = 1.0 - outlook;
      if (web >= 0 && web_share > 0) {
        load_.add_cycles(web, ops * web_share * cost_.cas_cpu_cycles_per_operation);
        load_.load(client_route(web, site, true), down * web_share);
        load_.load(client_route(web, site, false), up * web_share);
        if (web != server) {
          load_.load(leg_route(server, web), down * web_share);
          load_.load(leg_route(web, server), up * web_share);
        }
      }
    }
  }

  void add_log_space(int server, double bytes) {
    storage_.write_user_logs(server, bytes, Seconds{sg4::Engine::get_clock()});
  }

  const Scenario& s_;
  const CostModel& cost_;
  Platform& platform_;
  const SiteGraph& graph_;
  Recording& rec_;
  Storage& storage_;
  UserPopulation users_;
  BackgroundLoad load_;  // before the paths' and hubs' routes
  MailPaths paths_;
  MailContext ctx_;
  std::unique_ptr<MailTransport> transport_;
  MailFlowMode mode_ = MailFlowMode::aggregate;
  double interval_ = 300;
  double horizon_ = 0;
  // Route ids (-1: none yet) of the client traffic, [to the clients of a site 0, from them 1]
  // [server][site], and of the legs between a mailbox server and its web server [from][to].
  std::vector<int> client_routes_, leg_routes_;
  std::vector<int> web_of_;  // per server: the server of its users' OWA and POP/IMAP, or -1
  std::vector<int> db_route_, log_route_;  // per server
};

bool has_mail_flow(const Scenario& s, const CostModel& cost) {
  return s.workload.enabled && !cost.ideal;
}

MailFlowMode mail_flow_mode(const Scenario& s, const CostModel& cost,
                            const std::vector<Mailbox>& mailboxes) {
  if (s.simulation.mail_flow != MailFlowMode::automatic) return s.simulation.mail_flow;
  // Messages a working day: what the users send, and what the internet sends them.
  std::map<std::string, double> per_user;
  double per_day = 0;
  for (const Mailbox& m : mailboxes) {
    auto [it, added] = per_user.emplace(m.profile, 0.0);
    if (added) {
      const Profile* p = find_profile(s, m.profile);
      if (p) {
        const UserDemand d = user_demand(*p, ExchangeVersion::v2007, s.workload.recipients, cost);
        it->second = d.sent + d.internet_in;
      }
    }
    per_day += it->second;
  }
  return per_day <= cost.per_message_limit ? MailFlowMode::per_message : MailFlowMode::aggregate;
}

std::shared_ptr<MailFlowModel> prepare_mail_flow(const Scenario& s, const CostModel& cost,
                                                 Platform& platform, const SiteGraph& graph,
                                                 Recording& recording, Storage& storage,
                                                 const std::vector<Mailbox>& mailboxes) {
  return std::make_shared<MailFlowModel>(s, cost, platform, graph, recording, storage, mailboxes);
}

MoveObserver& mail_flow_observer(MailFlowModel& m) {
  return m;
}

double background_bytes(const MailFlowModel& m, const sg4::Link* link, double now) {
  return m.background_bytes(link, now);
}

std::vector<std::pair<int, sg4::Link*>> hub_queue_meters(const MailFlowModel& m) {
  return m.hub_meters();
}

void start_mail_flow(const std::shared_ptr<MailFlowModel>& m) {
  m->start();
}

void finish_mail_flow(const std::shared_ptr<MailFlowModel>& m, double end_time) {
  m->finish(end_time);
}

}  // namespace coexlab::sim

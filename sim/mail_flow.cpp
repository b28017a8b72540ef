#include "mail_flow.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <tuple>

#include <fmt/format.h>
#include <simgrid/s4u.hpp>

#include "mail_model.hpp"
#include "profiles.hpp"
#include "random.hpp"

namespace coexlab::sim {
namespace {

constexpr double kDay = 86400.0;
constexpr int kNone = -1;

// Users of one original database who now live on one server and are online: their
// per-working-day demand, summed.
struct Population {
  double users = 0;
  double sent = 0;               // messages sent per day
  double internet_in = 0;        // messages from the internet per day
  double sent_bytes = 0;         // bytes sent per day (for the mean message size)
  double in_bytes = 0;           // bytes from the internet per day
  double iops = 0;               // database I/O per second (average working day)
  double read_iops = 0;          // of which reads (before the cache factor)
  double cache = 0;              // bytes of cache the users need (2007)
  double log_bytes = 0;          // per day
  double client_ops = 0;         // per day
  double client_bytes = 0;       // per day, both directions
  double client_bytes_sent = 0;  // per day, client -> server

  void add(const UserDemand& d, double sign) {
    users += sign;
    sent += sign * d.sent;
    internet_in += sign * d.internet_in;
    sent_bytes += sign * d.sent * d.message_size.value;
    in_bytes += sign * d.internet_in * d.message_size.value;
    iops += sign * d.database_iops;
    read_iops += sign * d.database_iops * d.read_fraction;
    cache += sign * d.cache.value;
    log_bytes += sign * d.log_bytes.value;
    client_ops += sign * d.client_operations;
    client_bytes += sign * d.client_bytes.value;
    const double messages = d.sent + d.internet_in;
    const double sent_share = messages > 0 ? d.sent / (d.sent + d.internet_in) : 0.5;
    client_bytes_sent += sign * d.client_bytes.value * std::min(0.5, sent_share);
  }
};

// The users' CPU work on one server: activities per load interval, capped at the rate that
// does the interval's work in the interval.
struct CpuStream {
  sg4::Host* host = nullptr;
  int cores = 1;
  double clock = 0;
  double demand = 0;  // cycles asked this interval
  double carry = 0;   // cycles waiting for the server to finish earlier work
  std::vector<sg4::ExecPtr> running;
};

// The users' traffic on one SimGrid link (a disk, or one direction of a NIC, LAN or WAN
// link): it takes its rate off the link's capacity for the interval, so the moves share
// what is left, and the probes count its bytes beside theirs. Load beyond 98 % of the
// capacity waits for the next interval.
struct LinkLoad {
  sg4::Link* link = nullptr;
  double capacity = 0;  // B/s, the link's own
  double demand = 0;    // bytes asked this interval
  double carry = 0;     // bytes left over from earlier intervals
  double rate = 0;      // B/s served in the current interval
  double served = 0;    // bytes served before the current interval
  double since = 0;     // start of the current interval
  double until = 0;     // its end
  double applied = 0;   // the rate the link's bandwidth was last reduced by
  double bytes_at(double now) const {
    return served + rate * std::clamp(now - since, 0.0, until - since);
  }
};

// A message's way from its sender's server to its recipient's (or the internet).
struct MailPath {
  bool valid = false;
  PathClass path_class = PathClass::legacy;
  bool inbound = false;   // from the internet, entering at hops.front().from_server
  bool outbound = false;  // to the internet, leaving at hops.back().to_server
  int first = kNone;      // the server where it starts (sender, or the internet connector)
  std::vector<MailHop> hops;
  int id = -1;                  // for a deterministic order of accumulation
  double round_trips = 0;       // seconds of SMTP and RPC round trips along the path
  double seconds_per_byte = 0;  // transfers at each leg's narrowest nominal rate
};

struct HubState {
  int server = kNone;
  sg4::SemaphorePtr slots;  // per message: as many processed at once as the hub has cores
  Channel queue_io;         // meter + database disk (per message)
  int queue_io_route = -1;  // aggregate
  sg4::Link* meter = nullptr;
  double clock = 0;
  int cores = 1;
  double io_time = 0;  // queue database I/O time of one message on an idle disk
  // statistics
  double messages = 0, wait_sum = 0, sojourn_sum = 0;
  double in_hub = 0, in_hub_integral = 0, last_change = 0, peak = 0;
  double lambda = 0;  // aggregate: this interval's arrival rate
  // Aggregate: the current interval's contributions, added when it is known how much of it
  // the simulation covered (the last interval is usually cut by the migration's end).
  struct {
    double messages = 0, wait_sum = 0, sojourn_sum = 0, in_hub_integral = 0;
  } pending;

  void change_in_hub(double now, double delta) {
    in_hub_integral += in_hub * (now - last_change);
    last_change = now;
    in_hub += delta;
    peak = std::max(peak, in_hub);
  }
};

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
        router_(s, graph),
        rec_(rec),
        storage_(storage),
        mailboxes_(mailboxes),
        arrivals_(s.seed, "mail/arrivals"),
        recipients_(s.seed, "mail/recipients"),
        service_(s.seed, "mail/service") {
    mode_ = mail_flow_mode(s, cost, mailboxes);
    interval_ = cost.load_interval.value > 0 ? cost.load_interval.value : 300;
    horizon_ = s.simulation.horizon.value;
    connector_ = internet_connector(s);
    index_databases();
    place_users();
    make_link_loads();
    make_paths();
    make_hubs();
    make_streams();
    for (size_t i = 0; i < loads_.size(); ++i) link_load_[loads_[i].link] = int(i);
    rec_.mail.simulated = true;
    rec_.mail.mode = mode_ == MailFlowMode::per_message ? "per_message" : "aggregate";
  }

  // ---- MoveObserver: the user is offline while the mailbox moves -----------------------------
  void move_started(int mailbox) override {
    const int m = mailbox;
    population(home_server_[size_t(m)], original_db_[size_t(m)]).add(demand_of(m), -1);
    moving_[size_t(m)] = true;
    moving_list_.push_back(m);
    move_start_[size_t(m)] = sg4::Engine::get_clock();
  }
  void move_ended(int mailbox, int server, int /*database*/) override {
    const int m = mailbox;
    moving_[size_t(m)] = false;
    moving_list_.erase(std::find(moving_list_.begin(), moving_list_.end(), m));
    release_held(m);
    if (const auto it = waiting_for_.find(m); it != waiting_for_.end()) {
      for (const sg4::ActorPtr& a : it->second) a->resume();  // its mail goes on
      waiting_for_.erase(it);
    }
    const int from = home_server_[size_t(m)];
    if (server != from) {
      const int o = original_db_[size_t(m)];
      const int site = user_site_[size_t(m)];
      move_count(db_where_[size_t(o)], from, server);
      move_count(site_where_[size_t(site)], from, server);
      move_count(all_where_, from, server);
    }
    home_server_[size_t(m)] = server;
    population(server, original_db_[size_t(m)]).add(demand_of(m), +1);
  }

  // Bytes of the users' traffic that crossed `link` until `now` (0 for a link it never uses).
  double background_bytes(const sg4::Link* link, double now) const {
    const auto it = link_load_.find(link);
    return it == link_load_.end() ? 0 : loads_[size_t(it->second)].bytes_at(now);
  }

  std::vector<std::pair<int, sg4::Link*>> hub_meters() const {
    std::vector<std::pair<int, sg4::Link*>> out;
    for (const HubState& h : hubs_) out.emplace_back(h.server, h.meter);
    return out;
  }

  void start() {
    for (HubState& h : hubs_) h.slots = sg4::Semaphore::create(unsigned(h.cores));
    sg4::Actor::create("users", platform_.server(0).host, [this] { users_main(); })->daemonize();
  }

  void finish(double end) {
    MailRecording& out = rec_.mail;
    if (mode_ == MailFlowMode::aggregate) commit_interval(end);
    for (HubState& h : hubs_) {
      if (mode_ == MailFlowMode::per_message) h.change_in_hub(end, 0);
      HubQueueStats st;
      st.server = s_.servers[size_t(h.server)].name;
      st.messages = h.messages;
      st.mean_wait_s = h.messages > 0 ? h.wait_sum / h.messages : 0;
      st.mean_sojourn_s = h.messages > 0 ? h.sojourn_sum / h.messages : 0;
      st.mean_in_hub = end > 0 ? h.in_hub_integral / end : 0;
      st.peak_in_hub = h.peak;
      out.hubs.push_back(st);
    }
    out.undelivered = in_flight_;
  }

 private:
  // ---- set-up ---------------------------------------------------------------------------------
  void index_databases() {
    for (size_t i = 0; i < s_.servers.size(); ++i) {
      db_base_.push_back(int(db_site_.size()));
      for (size_t d = 0; d < s_.servers[i].databases.size(); ++d)
        db_site_.push_back(s_.site_index(s_.servers[i].site));
    }
    db_where_.resize(db_site_.size());
    site_where_.resize(s_.sites.size());
  }

  void place_users() {
    std::map<std::string, int> profile_index;
    for (const Mailbox& m : mailboxes_) {
      auto [it, added] = profile_index.emplace(m.profile, int(profiles_.size()));
      if (added) {
        const Profile* p = find_profile(s_, m.profile);
        const Profile profile = p ? *p : *find_profile(s_, "average");
        profiles_.push_back(
            {user_demand(profile, ExchangeVersion::v2003, s_.workload.recipients, cost_),
             user_demand(profile, ExchangeVersion::v2007, s_.workload.recipients, cost_)});
      }
      profile_of_.push_back(it->second);
      const int o = db_base_[size_t(m.server)] + m.database;
      original_db_.push_back(o);
      home_server_.push_back(m.server);
      user_site_.push_back(db_site_[size_t(o)]);
      db_where_[size_t(o)][m.server] += 1;
      site_where_[size_t(db_site_[size_t(o)])][m.server] += 1;
      all_where_[m.server] += 1;
      population(m.server, o).add(demand_of(int(profile_of_.size() - 1)), +1);
    }
    moving_.assign(mailboxes_.size(), false);
    move_start_.assign(mailboxes_.size(), 0.0);
  }

  const UserDemand& demand_of(int mailbox) const {
    const auto& d = profiles_[size_t(profile_of_[size_t(mailbox)])];
    return s_.servers[size_t(home_server_[size_t(mailbox)])].is_2003() ? d[0] : d[1];
  }

  Population& population(int server, int original_db) { return pops_[{server, original_db}]; }

  static void move_count(std::map<int, double>& where, int from, int to) {
    if (--where[from] <= 0) where.erase(from);
    where[to] += 1;
  }

  bool is_transport(int server) const {
    const Server& sv = s_.servers[size_t(server)];
    return sv.is_2007() && (sv.has(Role::hub_transport) || sv.has(Role::edge_transport));
  }

  // Every server that holds mailboxes now or after a move.
  std::vector<int> mailbox_servers() const {
    std::vector<int> out;
    for (size_t i = 0; i < s_.servers.size(); ++i)
      if (s_.servers[i].has(Role::mailbox)) out.push_back(int(i));
    return out;
  }

  // A path from `a` to `b` where `b` (or `a`) is a transport server standing in for the
  // internet: drop the router's store-driver hop of a hub to itself.
  std::vector<MailHop> transport_path(int a, int b) const {
    std::vector<MailHop> hops = router_.path(a, b);
    if (!hops.empty() && hops.back().from_server == hops.back().to_server) hops.pop_back();
    if (!hops.empty() && hops.front().from_server == hops.front().to_server)
      hops.erase(hops.begin());
    return hops;
  }

  // The hub that an Edge hands mail to (in its subscribed site), or the connector itself.
  int internet_gateway() const {
    if (connector_ < 0) return kNone;
    const Server& c = s_.servers[size_t(connector_)];
    if (c.has(Role::edge_transport)) return router_.hub_in_site(s_.site_index(c.subscribed_site));
    return connector_;
  }

  // The parts of a path's latency that do not depend on the load (aggregate mode).
  void finish_path(MailPath& p) {
    const auto narrowest = [](const std::vector<sg4::LinkInRoute>& links) {
      double bw = std::numeric_limits<double>::infinity();
      for (const auto& l : links) bw = std::min(bw, l.get_link()->get_bandwidth());
      return bw;
    };
    for (const MailHop& h : p.hops) {
      if (h.from_server == h.to_server) continue;
      const LegLinks leg = platform_.leg(h.from_server, h.to_server);
      const double rt =
          h.rpc ? cost_.rpc_round_trips_per_message : cost_.smtp_round_trips_per_message;
      p.round_trips += rt * 2 * leg.latency.value;
      p.seconds_per_byte += 1.0 / narrowest(leg.links);
    }
    const auto nic = [&](int server) { return platform_.server(server).nic->get_bandwidth(); };
    if (p.inbound) p.seconds_per_byte += 1.0 / nic(p.first);
    if (p.outbound)
      p.seconds_per_byte += 1.0 / nic(p.hops.empty() ? p.first : p.hops.back().to_server);
    p.valid = true;
  }

  MailPath internal_path(int from, int to) {
    MailPath p;
    p.first = from;
    p.hops = router_.path(from, to);
    const Server& a = s_.servers[size_t(from)];
    const Server& b = s_.servers[size_t(to)];
    p.path_class =
        classify_path(a.version, b.version, s_.site_index(a.site), s_.site_index(b.site), false);
    if (p.hops.empty() && from != to) return p;  // no route: layout error, mail dropped
    if (p.hops.empty() && !(a.is_2003() && b.is_2003())) return p;
    finish_path(p);
    return p;
  }

  MailPath outbound_path(int from) {
    MailPath p;
    p.first = from;
    p.outbound = true;
    p.path_class = PathClass::internet;
    if (connector_ < 0) return p;
    const int gateway = internet_gateway();
    if (gateway < 0) return p;
    p.hops = gateway == from ? std::vector<MailHop>{} : transport_path(from, gateway);
    if (s_.servers[size_t(from)].is_2007() && gateway == from) {
      p.hops.push_back({from, from, true});  // store driver to the local hub
    }
    if (gateway != connector_) p.hops.push_back({gateway, connector_, false});
    if (p.hops.empty() && from != connector_) return p;
    finish_path(p);
    return p;
  }

  MailPath inbound_path(int to) {
    MailPath p;
    p.first = connector_;
    p.inbound = true;
    p.path_class = PathClass::internet;
    if (connector_ < 0) return p;
    const int gateway = internet_gateway();
    if (gateway < 0) return p;
    if (gateway != connector_) p.hops.push_back({connector_, gateway, false});
    std::vector<MailHop> rest = transport_path(gateway, to);
    if (gateway == to && s_.servers[size_t(to)].is_2007()) rest.push_back({to, to, true});
    if (rest.empty() && gateway != to) return p;
    p.hops.insert(p.hops.end(), rest.begin(), rest.end());
    finish_path(p);
    return p;
  }

  void make_paths() {
    const std::vector<int> mbx = mailbox_servers();
    const size_t n = s_.servers.size();
    internal_.assign(n * n, MailPath{});
    outbound_.assign(n, MailPath{});
    inbound_.assign(n, MailPath{});
    for (int a : mbx) {
      for (int b : mbx) internal_[size_t(a) * n + size_t(b)] = internal_path(a, b);
      outbound_[size_t(a)] = outbound_path(a);
      inbound_[size_t(a)] = inbound_path(a);
    }
    for (size_t i = 0; i < internal_.size(); ++i) internal_[i].id = int(i);
    for (size_t i = 0; i < n; ++i) {
      outbound_[i].id = int(n * n + i);
      inbound_[i].id = int(n * n + n + i);
    }
    // Channels of every hop (per message: plain; aggregate: through a limiter).
    const auto visit = [&](const MailPath& p) {
      if (!p.valid) return;
      for (const MailHop& h : p.hops) {
        if (h.from_server != h.to_server) hop_channel(h.from_server, h.to_server);
      }
      if (p.inbound) internet_channel(p.first, false);
      if (p.outbound) internet_channel(p.hops.empty() ? p.first : p.hops.back().to_server, true);
    };
    for (const MailPath& p : internal_) visit(p);
    for (const MailPath& p : outbound_) visit(p);
    for (const MailPath& p : inbound_) visit(p);
  }

  std::string server_name(int i) const { return s_.servers[size_t(i)].name; }

  // A hop's network path, once per key: per message a channel for the messages' flows,
  // aggregated a route of the users' load.
  void hop_path(const std::string& key, const std::vector<sg4::LinkInRoute>& links) {
    if (hop_.count(key) || hop_route_.count(key)) return;
    if (mode_ == MailFlowMode::per_message)
      hop_.emplace(key, platform_.add_channel("mail:" + key, links));
    else
      hop_route_.emplace(key, add_route(links));
  }

  void hop_channel(int from, int to) {
    hop_path(server_name(from) + ">" + server_name(to), platform_.leg(from, to).links);
  }

  void internet_channel(int server, bool out) {
    const ServerPlatform& sp = platform_.server(server);
    hop_path(std::string(out ? "out:" : "in:") + server_name(server),
             {sg4::LinkInRoute(sp.nic, out ? sg4::LinkInRoute::Direction::UP
                                           : sg4::LinkInRoute::Direction::DOWN)});
  }

  void make_hubs() {
    hub_of_server_.assign(s_.servers.size(), -1);
    for (size_t i = 0; i < s_.servers.size(); ++i) {
      if (!is_transport(int(i))) continue;
      const Server& sv = s_.servers[i];
      const ServerPlatform& sp = platform_.server(int(i));
      HubState h;
      h.server = int(i);
      h.cores = std::max(1, sv.hardware.cores);
      h.clock = sv.hardware.clock.value;
      h.meter = platform_.add_meter(sv.name + "/hub_queue_disk");
      const std::vector<sg4::LinkInRoute> links{sg4::LinkInRoute(h.meter),
                                                sg4::LinkInRoute(sp.database_disk)};
      if (mode_ == MailFlowMode::per_message)
        h.queue_io = platform_.add_channel("hubq:" + sv.name, links);
      else
        h.queue_io_route = add_route(links);
      h.io_time = cost_.hub_queue_ios_per_message / std::max(1.0, sv.hardware.database_disk.iops);
      hub_of_server_[i] = int(hubs_.size());
      hubs_.push_back(h);
    }
  }

  // Every link the users' traffic may cross, with the keys LinkInRoute gives it.
  void make_link_loads() {
    using Dir = sg4::LinkInRoute::Direction;
    const auto plain = [&](sg4::Link* l) {
      load_index_[{l, Dir::NONE}] = int(loads_.size());
      loads_.push_back({l, l->get_bandwidth()});
    };
    const auto duplex = [&](sg4::SplitDuplexLink* d) {
      load_index_[{d, Dir::UP}] = int(loads_.size());
      loads_.push_back({d->get_link_up(), d->get_link_up()->get_bandwidth()});
      load_index_[{d, Dir::DOWN}] = int(loads_.size());
      loads_.push_back({d->get_link_down(), d->get_link_down()->get_bandwidth()});
    };
    for (size_t i = 0; i < s_.servers.size(); ++i) {
      const ServerPlatform& sp = platform_.server(int(i));
      plain(sp.database_disk);
      plain(sp.log_disk);
      duplex(sp.nic);
    }
    for (size_t i = 0; i < s_.sites.size(); ++i) duplex(platform_.lan(int(i)));
    for (size_t i = 0; i < s_.links.size(); ++i) duplex(platform_.wan(int(i)));
  }

  // A route of the users' traffic: the loads of the links it crosses.
  int add_route(const std::vector<sg4::LinkInRoute>& links) {
    std::vector<int> route;
    for (const sg4::LinkInRoute& l : links) {
      const auto key = std::make_pair(l.get_link(), l.get_direction());
      auto it = load_index_.find(key);
      if (it == load_index_.end()) {  // a meter: counted, never limiting
        auto* link = const_cast<sg4::Link*>(l.get_link());
        it = load_index_.emplace(key, int(loads_.size())).first;
        loads_.push_back({link, link->get_bandwidth()});
      }
      route.push_back(it->second);
    }
    routes_.push_back(std::move(route));
    return int(routes_.size() - 1);
  }

  void load(int route, double bytes) {
    for (int l : routes_[size_t(route)]) loads_[size_t(l)].demand += bytes;
  }

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
    const auto key = std::make_tuple(to_client ? 0 : 1, server, site);
    if (auto it = client_routes_.find(key); it != client_routes_.end()) return it->second;
    const int id = add_route(client_links(server, site, to_client));
    client_routes_.emplace(key, id);
    return id;
  }

  int leg_route(int from, int to) {
    const auto key = std::make_tuple(2, from, to);
    if (auto it = client_routes_.find(key); it != client_routes_.end()) return it->second;
    const int id = add_route(platform_.leg(from, to).links);
    client_routes_.emplace(key, id);
    return id;
  }

  void make_streams() {
    for (size_t i = 0; i < s_.servers.size(); ++i) {
      const Server& sv = s_.servers[i];
      const ServerPlatform& sp = platform_.server(int(i));
      CpuStream cpu;
      cpu.host = sp.host;
      cpu.cores = std::max(1, sv.hardware.cores);
      cpu.clock = sv.hardware.clock.value;
      cpu_.push_back(std::move(cpu));
      db_route_.push_back(add_route({sg4::LinkInRoute(sp.database_disk)}));
      log_route_.push_back(add_route({sg4::LinkInRoute(sp.log_disk)}));
    }
    // Client traffic: every mailbox server with the clients of every site that has users.
    std::vector<bool> user_site(s_.sites.size(), false);
    for (int site : user_site_) user_site[size_t(site)] = true;
    web_of_.assign(s_.servers.size(), kNone);
    for (int server : mailbox_servers()) {
      const int web = web_of_[size_t(server)] = web_server_for(server);
      for (size_t site = 0; site < s_.sites.size(); ++site) {
        if (!user_site[site]) continue;
        for (bool down : {true, false}) {
          client_route(server, int(site), down);
          if (web >= 0) client_route(web, int(site), down);
        }
      }
      if (web >= 0 && web != server) {
        leg_route(server, web);
        leg_route(web, server);
      }
    }
  }

  // ---- the users' actor -------------------------------------------------------------------------
  void users_main() {
    for (double t = 0; t < horizon_; t += interval_) {
      const double end = std::min(horizon_, t + interval_);
      site_factor_.assign(s_.sites.size(), 0);
      for (size_t i = 0; i < s_.sites.size(); ++i) {
        const double local = t + 0.5 * (end - t) + s_.sites[i].utc_offset.value;
        site_factor_[i] =
            day_shape_factor(s_.workload.day_shape, minute_of_week(s_.start, local) * 60.0);
      }
      plan_background(end - t);
      if (mode_ == MailFlowMode::aggregate) plan_transport(t, end - t);
      issue_loads(t, end - t);
      if (mode_ == MailFlowMode::per_message) send_messages(t, end);
      sg4::this_actor::sleep_until(end);
    }
  }

  void plan_background(double dt) {
    const ClientMix& mix = s_.workload.clients;
    std::vector<double> cache(s_.servers.size(), 0);
    for (const auto& [key, p] : pops_) cache[size_t(key.first)] += p.cache;
    for (const auto& [key, p] : pops_) {
      const int server = key.first;
      if (p.users <= 0.5 || !storage_.mounted(server)) continue;
      const Server& sv = s_.servers[size_t(server)];
      const int site = db_site_[size_t(key.second)];
      const double f = site_factor_[size_t(site)];
      const double day_share = f * dt / kDay;
      // Database I/O: reads grow when the cache is too small for the users.
      const double read_factor = cache_read_factor(sv, Bytes{cache[size_t(server)]});
      const double ios = (p.read_iops * read_factor + (p.iops - p.read_iops)) * f * dt;
      load(db_route_[size_t(server)], ios * platform_.server(server).page_size);
      // Transaction logs: the log disk's throughput and its space (what the moves fill too).
      const double logs = p.log_bytes * day_share;
      load(log_route_[size_t(server)], logs);
      add_log_space(server, logs);
      // Clients: Outlook talks to the mailbox server; OWA and POP/IMAP through a web server.
      const double ops = p.client_ops * day_share;
      const double down = (p.client_bytes - p.client_bytes_sent) * day_share;
      const double up = p.client_bytes_sent * day_share;
      cpu_[size_t(server)].demand += ops * cost_.mailbox_cpu_cycles_per_operation;
      const double outlook = mix.outlook.value;
      load(client_route(server, site, true), down * outlook);
      load(client_route(server, site, false), up * outlook);
      const int web = web_of_[size_t(server)];
      const double web_share = 1.0 - outlook;
      if (web >= 0 && web_share > 0) {
        cpu_[size_t(web)].demand += ops * web_share * cost_.cas_cpu_cycles_per_operation;
        load(client_route(web, site, true), down * web_share);
        load(client_route(web, site, false), up * web_share);
        if (web != server) {
          load(leg_route(server, web), down * web_share);
          load(leg_route(web, server), up * web_share);
        }
      }
    }
  }

  void add_log_space(int server, double bytes) {
    storage_.write_user_logs(server, bytes, Seconds{sg4::Engine::get_clock()});
  }

  // The interval's loads: each link gives up the users' rate for the interval (at most 98 %
  // of it: the moves are slowed, not stopped, and the rest waits); each server's CPU work
  // runs as capped activities (as many as the cores it needs), which keep running into the
  // next interval if the server is too busy, the new work queued behind them. (Cancelling
  // them instead would crash SimGrid 3.32's host-load plugin on the next start.) Before a
  // link's bandwidth changes, its load counter is brought up to date (see Sampler).
  void issue_loads(double t0, double dt) {
    for (LinkLoad& l : loads_) {
      l.served += l.rate * (l.until - l.since);
      const double need = l.demand + l.carry;
      l.rate = std::min(need / dt, 0.98 * l.capacity);
      l.carry = need - l.rate * dt;
      l.demand = 0;
      l.since = t0;
      l.until = t0 + dt;
      if (l.rate != l.applied) {  // an unchanged link keeps the sharing solver's work small
        l.link->set_bandwidth(l.capacity - l.rate);
        l.applied = l.rate;
      }
    }
    for (CpuStream& c : cpu_) {
      std::erase_if(c.running, [](const sg4::ExecPtr& e) { return e->test(); });
      c.carry += c.demand;
      c.demand = 0;
      // A server still busy with earlier intervals' work gets no more activities: the new
      // work waits behind (a bounded number of activities, however overloaded it is).
      if (!c.running.empty() || c.carry < 1) continue;
      const double need = c.carry;
      c.carry = 0;
      const double rate = need / dt;
      const int n = std::clamp(int(std::ceil(rate / c.clock - 1e-9)), 1, c.cores);
      for (int k = 0; k < n; ++k) {
        c.running.push_back(start_exec(c.host, need / n, rate / n));
      }
    }
  }

  // The users a recipient is drawn from: one original database's, one site's, or every other
  // site's (a single site's own when there is no other).
  struct RecipientSet {
    enum class Kind { database, site, other_sites } kind = Kind::database;
    int index = 0;  // the database or the site
  };
  bool in_set(int m, const RecipientSet& set) const {
    switch (set.kind) {
      case RecipientSet::Kind::database:
        return original_db_[size_t(m)] == set.index;
      case RecipientSet::Kind::site:
        return user_site_[size_t(m)] == set.index;
      case RecipientSet::Kind::other_sites:
        return user_site_[size_t(m)] != set.index;
    }
    return false;
  }
  RecipientSet other_sites_set(int site) const {
    return {other_sites_where(site) == site_where_[size_t(site)] ? RecipientSet::Kind::site
                                                                 : RecipientSet::Kind::other_sites,
            site};
  }

  struct Recipient {
    int server = kNone;  // kNone: the internet
    int moving = -1;     // a mailbox being moved (its mail waits for the move), or -1
  };

  // Where a message from a user of original database `o` goes, by the recipient mix.
  Recipient draw_recipient(int o) {
    const RecipientMix& mix = s_.workload.recipients;
    double u = recipients_.uniform();
    const int site = db_site_[size_t(o)];
    if ((u -= mix.internet.value) < 0) return {};
    if ((u -= mix.same_database.value) < 0)
      return pick(db_where_[size_t(o)], {RecipientSet::Kind::database, o});
    if ((u -= mix.same_site.value) < 0)
      return pick(site_where_[size_t(site)], {RecipientSet::Kind::site, site});
    return pick(other_sites_where(site), other_sites_set(site));
  }

  // A user of the set: one being moved with its share of the set (its mailbox is locked),
  // else by where the set's mailboxes live.
  Recipient pick(const std::map<int, double>& where, const RecipientSet& set) {
    double total = 0;
    for (const auto& [server, n] : where) total += n;
    int moving = 0;
    for (int m : moving_list_) moving += in_set(m, set) ? 1 : 0;
    if (moving > 0 && total > 0) {
      int k = int(recipients_.uniform() * total);
      if (k < moving) {
        for (int m : moving_list_) {
          if (in_set(m, set) && k-- == 0) return {home_server_[size_t(m)], m};
        }
      }
    }
    return {draw_from(where, recipients_.uniform()), -1};
  }

  // Where the mailboxes of the other sites live now; a single site's own (mail stays local).
  std::map<int, double> other_sites_where(int site) const {
    const std::map<int, double>& own = site_where_[size_t(site)];
    std::map<int, double> other;
    for (const auto& [server, n] : all_where_) {
      const auto it = own.find(server);
      const double rest = n - (it == own.end() ? 0 : it->second);
      if (rest > 0.5) other[server] = rest;
    }
    return other.empty() ? own : other;
  }

  static int draw_from(const std::map<int, double>& where, double u) {
    double total = 0;
    for (const auto& [server, n] : where) total += n;
    double x = u * total;
    for (const auto& [server, n] : where) {
      if ((x -= n) < 0) return server;
    }
    return where.empty() ? kNone : where.rbegin()->first;
  }

  // ---- per message ------------------------------------------------------------------------------
  struct Source {
    int server;
    int original_db;
    bool from_internet;
    double rate;  // messages per second in this interval
    double size;  // bytes per message
  };

  void send_messages(double t0, double t1) {
    std::vector<Source> sources;
    double total = 0;
    for (const auto& [key, p] : pops_) {
      if (p.users <= 0.5 || !storage_.mounted(key.first)) continue;
      const double f = site_factor_[size_t(db_site_[size_t(key.second)])] / kDay;
      if (p.sent > 0) {
        sources.push_back({key.first, key.second, false, p.sent * f, p.sent_bytes / p.sent});
        total += sources.back().rate;
      }
      if (p.internet_in > 0 && connector_ >= 0) {
        sources.push_back(
            {key.first, key.second, true, p.internet_in * f, p.in_bytes / p.internet_in});
        total += sources.back().rate;
      }
    }
    if (total <= 0) return;
    // A Poisson process of rate `total`, each arrival from a source in proportion to its rate.
    for (double t = t0 + arrivals_.exponential(total); t < t1; t += arrivals_.exponential(total)) {
      double x = arrivals_.uniform() * total;
      const Source* src = &sources.back();
      for (const Source& s : sources) {
        if ((x -= s.rate) < 0) {
          src = &s;
          break;
        }
      }
      const MailPath* path = nullptr;
      Recipient to;
      if (src->from_internet) {
        path = &inbound_[size_t(src->server)];
      } else {
        to = draw_recipient(src->original_db);
        path = to.server == kNone
                   ? &outbound_[size_t(src->server)]
                   : &internal_[size_t(src->server) * s_.servers.size() + size_t(to.server)];
      }
      if (!path->valid) continue;
      sg4::this_actor::sleep_until(t);
      const double size = src->size;
      const int locked = to.moving;
      ++in_flight_;
      sg4::Actor::create("mail", platform_.server(path->first).host, [this, path, size, locked] {
        deliver(*path, size, locked);
      })->daemonize();
    }
  }

  void exec_on(int server, double cycles) {
    if (cycles >= 1) execute_on(platform_.server(server).host, cycles);
  }

  void flow(const std::string& key, double bytes) { start_flow(hop_.at(key), bytes)->wait(); }

  void at_hub(int server) {
    HubState& h = hubs_[size_t(hub_of_server_[size_t(server)])];
    const double arrived = sg4::Engine::get_clock();
    h.change_in_hub(arrived, +1);
    h.slots->acquire();
    const double started = sg4::Engine::get_clock();
    const double mean = cost_.hub_cpu_cycles_per_message;
    if (mean > 0) execute_on(platform_.server(server).host, service_.exponential(1.0 / mean));
    const double io = cost_.hub_queue_ios_per_message * platform_.server(server).page_size;
    if (io >= 1) start_flow(h.queue_io, io)->wait();
    h.slots->release();
    const double left = sg4::Engine::get_clock();
    h.change_in_hub(left, -1);
    h.messages += 1;
    h.wait_sum += started - arrived;
    h.sojourn_sum += left - arrived;
  }

  // Processing where a message stops on its way (not its last stop).
  void transit(int server) {
    if (hub_of_server_[size_t(server)] >= 0)
      at_hub(server);
    else
      exec_on(server, cost_.smtp_cpu_cycles_per_message);
  }

  // Mail to a mailbox being moved waits where it is (at the Hub, or the 2003 server that
  // would deliver it) until the move ends: the store refuses a locked mailbox.
  void wait_for_move(int mailbox) {
    if (mailbox < 0 || !moving_[size_t(mailbox)]) return;
    // Suspended until move_ended resumes it (a suspended actor can be killed cleanly at the end
    // of the run; one blocked on a mutex and condition variable cannot).
    const double from = sg4::Engine::get_clock();
    waiting_for_[mailbox].push_back(sg4::Actor::self());
    sg4::this_actor::suspend();
    note_delay(1, sg4::Engine::get_clock() - from, sg4::Engine::get_clock() - from);
  }

  void note_delay(double messages, double mean, double longest) {
    MailRecording& mail = rec_.mail;
    mail.delayed_messages += messages;
    mail.delayed_seconds_sum += messages * mean;
    mail.delayed_max_s = std::max(mail.delayed_max_s, longest);
  }

  // `locked`: the recipient's mailbox when it was being moved at submission, else -1. After
  // the wait the message is delivered where the mailbox lives then (its network hops were
  // the source's: the difference is a LAN or WAN hop of one message, not modelled).
  void deliver(const MailPath& p, double size, int locked) {
    const double start = sg4::Engine::get_clock();
    if (p.inbound) {
      flow("in:" + server_name(p.first), size);
      transit(p.first);
    } else {
      exec_on(p.first, cost_.store_cpu_cycles_per_message);  // submission
    }
    for (size_t i = 0; i < p.hops.size(); ++i) {
      const MailHop& h = p.hops[i];
      const bool last = i + 1 == p.hops.size();
      if (last) wait_for_move(locked);  // held before the last hop, at its Hub
      if (h.from_server != h.to_server) {
        const LegLinks leg = platform_.leg(h.from_server, h.to_server);
        const double rt =
            h.rpc ? cost_.rpc_round_trips_per_message : cost_.smtp_round_trips_per_message;
        if (rt > 0 && leg.latency.value > 0) sg4::this_actor::sleep_for(rt * 2 * leg.latency.value);
        flow(server_name(h.from_server) + ">" + server_name(h.to_server), size);
      }
      if (!last || p.outbound)
        transit(h.to_server);
      else
        exec_on(locked >= 0 ? home_server_[size_t(locked)] : h.to_server,
                cost_.store_cpu_cycles_per_message);  // delivery
    }
    if (p.hops.empty()) wait_for_move(locked);
    if (p.outbound)
      flow("out:" + server_name(p.hops.empty() ? p.first : p.hops.back().to_server), size);
    --in_flight_;
    const double now = sg4::Engine::get_clock();
    rec_.mail.mail.push_back({std::string(to_string(p.path_class)), now, now - start, 1.0});
  }

  // ---- aggregate --------------------------------------------------------------------------------
  void plan_transport(double t0, double dt) {
    // Messages per path in this interval (expected counts).
    // path id -> (path, messages, bytes), in id order so that sums are deterministic
    std::map<int, std::tuple<const MailPath*, double, double>> volume;
    std::map<int, double> held_now;  // path id -> messages held for mailboxes being moved
    const RecipientMix& mix = s_.workload.recipients;
    for (const auto& [key, p] : pops_) {
      if (p.users <= 0.5 || !storage_.mounted(key.first)) continue;
      const int server = key.first;
      const int o = key.second;
      const double share = site_factor_[size_t(db_site_[size_t(o)])] * dt / kDay;
      const double sent = p.sent * share;
      const double size = p.sent > 0 ? p.sent_bytes / p.sent : 0;
      const auto add = [&](const MailPath& path, double n, double bytes_each) {
        if (!path.valid || n <= 0) return;
        auto& v = volume[path.id];
        std::get<0>(v) = &path;
        std::get<1>(v) += n;
        std::get<2>(v) += n * bytes_each;
      };
      add(outbound_[size_t(server)], sent * mix.internet.value, size);
      const int site = db_site_[size_t(o)];
      const auto spread = [&](const std::map<int, double>& where, double n,
                              const RecipientSet& set) {
        double total = 0;
        for (const auto& [r, c] : where) total += c;
        if (total <= 0) return;
        for (const auto& [r, c] : where)
          add(internal_[size_t(server) * s_.servers.size() + size_t(r)], n * c / total, size);
        // Each user gets n / total of them; a user being moved gets them when the move ends.
        for (int m : moving_list_) {
          if (!in_set(m, set) || n <= 0) continue;
          const MailPath& path =
              internal_[size_t(server) * s_.servers.size() + size_t(home_server_[size_t(m)])];
          if (!path.valid) continue;
          held_now[path.id] += hold(m, path, n / total, t0, dt);
        }
      };
      spread(db_where_[size_t(o)], sent * mix.same_database.value,
             {RecipientSet::Kind::database, o});
      spread(site_where_[size_t(site)], sent * mix.same_site.value,
             {RecipientSet::Kind::site, site});
      spread(other_sites_where(site), sent * mix.other_site.value, other_sites_set(site));
      if (p.internet_in > 0)
        add(inbound_[size_t(server)], p.internet_in * share, p.in_bytes / p.internet_in);
    }
    // Resources: bytes per hop, cycles per stop, queue I/O per hub; arrival rates at hubs.
    for (HubState& h : hubs_) h.lambda = 0;
    const auto stop = [&](int server, bool last, bool outbound, double n) {
      auto& cpu = cpu_[size_t(server)].demand;
      if (last && !outbound) {
        cpu += n * cost_.store_cpu_cycles_per_message;
      } else if (hub_of_server_[size_t(server)] >= 0) {
        HubState& h = hubs_[size_t(hub_of_server_[size_t(server)])];
        cpu += n * cost_.hub_cpu_cycles_per_message;
        load(h.queue_io_route,
             n * cost_.hub_queue_ios_per_message * platform_.server(server).page_size);
        h.lambda += n / dt;
      } else {
        cpu += n * cost_.smtp_cpu_cycles_per_message;
      }
    };
    for (const auto& [id, v] : volume) {
      const auto [path, n, bytes] = v;
      const MailPath& p = *path;
      if (p.inbound) {
        load(hop_route_.at("in:" + server_name(p.first)), bytes);
        stop(p.first, false, false, n);
      } else {
        cpu_[size_t(p.first)].demand += n * cost_.store_cpu_cycles_per_message;
      }
      for (size_t i = 0; i < p.hops.size(); ++i) {
        const MailHop& h = p.hops[i];
        if (h.from_server != h.to_server)
          load(hop_route_.at(server_name(h.from_server) + ">" + server_name(h.to_server)), bytes);
        stop(h.to_server, i + 1 == p.hops.size(), p.outbound, n);
      }
      if (p.outbound) {
        const int exit = p.hops.empty() ? p.first : p.hops.back().to_server;
        load(hop_route_.at("out:" + server_name(exit)), bytes);
      }
    }
    // Latency: round trips, transfers at nominal rates, the store, relays, and an M/M/c
    // queue at each hub for this interval's arrivals.
    commit_interval(t0);  // the previous interval, whole
    pending_t0_ = t0;
    pending_dt_ = dt;
    std::vector<double> hub_time(hubs_.size(), 0);
    for (size_t k = 0; k < hubs_.size(); ++k) {
      HubState& h = hubs_[k];
      const double service = cost_.hub_cpu_cycles_per_message / h.clock + h.io_time;
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
    std::map<std::string, std::pair<double, double>> by_class;  // class -> (n, n x latency)
    for (const auto& [id, v] : volume) {
      const auto [path, n, bytes] = v;
      const MailPath& p = *path;
      double t = p.round_trips + p.seconds_per_byte * (n > 0 ? bytes / n : 0);
      const auto stop_time = [&](int server, bool last) {
        const Server& sv = s_.servers[size_t(server)];
        if (last && !p.outbound)
          return cost_.store_cpu_cycles_per_message / sv.hardware.clock.value;
        if (hub_of_server_[size_t(server)] >= 0)
          return hub_time[size_t(hub_of_server_[size_t(server)])];
        return cost_.smtp_cpu_cycles_per_message / sv.hardware.clock.value;
      };
      if (p.inbound)
        t += stop_time(p.first, false);
      else
        t += cost_.store_cpu_cycles_per_message / s_.servers[size_t(p.first)].hardware.clock.value;
      for (size_t i = 0; i < p.hops.size(); ++i)
        t += stop_time(p.hops[i].to_server, i + 1 == p.hops.size());
      // Held messages are delivered when their mailbox's move ends (release_held), not now.
      const double now_n = n - (held_now.count(p.id) ? held_now.at(p.id) : 0.0);
      auto& c = by_class[std::string(to_string(p.path_class))];
      c.first += now_n;
      c.second += now_n * t;
    }
    for (const auto& [name, c] : by_class) {
      if (c.first > 0) pending_mail_.push_back({name, t0 + dt, c.second / c.first, c.first});
    }
  }

  // Adds the pending interval's messages and hub statistics for the part of it before
  // `until`: all of it once the next interval starts, a share of it at the end of the run.
  void commit_interval(double until) {
    if (pending_dt_ <= 0) return;
    const double f = std::clamp((until - pending_t0_) / pending_dt_, 0.0, 1.0);
    for (HubState& h : hubs_) {
      h.messages += f * h.pending.messages;
      h.wait_sum += f * h.pending.wait_sum;
      h.sojourn_sum += f * h.pending.sojourn_sum;
      h.in_hub_integral += f * h.pending.in_hub_integral;
      h.pending = {};
    }
    for (DeliveredMail& d : pending_mail_) {
      d.weight *= f;
      d.time_s = std::min(d.time_s, until);
      if (d.weight > 0) rec_.mail.mail.push_back(d);
    }
    pending_mail_.clear();
    pending_dt_ = 0;
  }

  const Scenario& s_;
  const CostModel& cost_;
  Platform& platform_;
  const SiteGraph& graph_;
  MailRouter router_;
  Recording& rec_;
  Storage& storage_;
  const std::vector<Mailbox>& mailboxes_;
  RandomStream arrivals_, recipients_, service_;
  MailFlowMode mode_ = MailFlowMode::aggregate;
  double interval_ = 300;
  double horizon_ = 0;
  int connector_ = kNone;

  // Users: per mailbox, where it lives and where it came from.
  std::vector<std::array<UserDemand, 2>> profiles_;  // per profile: 2003, 2007
  std::vector<int> profile_of_, original_db_, home_server_, user_site_;
  std::vector<int> db_base_;  // per server: global index of its first database
  std::vector<int> db_site_;  // per global database: its site
  std::map<std::pair<int, int>, Population> pops_;  // (server now, original database)
  // Who lives where, for recipients: per original database, per original site, overall.
  std::vector<std::map<int, double>> db_where_, site_where_;
  std::map<int, double> all_where_;
  std::vector<double> site_factor_;  // this interval's day-shape factor per site

  std::vector<MailPath> internal_;  // [from * servers + to]
  std::vector<MailPath> outbound_, inbound_;
  std::map<std::string, Channel> hop_;    // per message: hop key -> channel
  std::map<std::string, int> hop_route_;  // aggregate
  // Client traffic (0: to the clients of a site, 1: from them; server, site) and the legs
  // between a mailbox server and its web server (2; from, to): route ids.
  std::map<std::tuple<int, int, int>, int> client_routes_;
  std::vector<int> web_of_;  // per server: the server of its users' OWA and POP/IMAP, or -1
  std::vector<LinkLoad> loads_;
  std::map<std::pair<const sg4::Link*, sg4::LinkInRoute::Direction>, int> load_index_;
  std::map<const sg4::Link*, int> link_load_;  // by the SimGrid link itself (probes)
  std::vector<std::vector<int>> routes_;       // load indices per route
  std::vector<CpuStream> cpu_;                 // per server
  std::vector<int> db_route_, log_route_;      // per server
  std::vector<HubState> hubs_;
  std::vector<int> hub_of_server_;
  double in_flight_ = 0;
  // Mailboxes being moved (locked): mail to them waits for the end of the move.
  std::vector<bool> moving_;                               // by mailbox
  std::vector<int> moving_list_;                           // in the order their moves started
  std::map<int, std::vector<sg4::ActorPtr>> waiting_for_;  // per message: mail held, by mailbox
  // Aggregate: per mailbox being moved, the messages held for it by path class: (messages,
  // messages x arrival time, the first arrival).
  struct Held {
    struct Class {
      double messages = 0, arrival_sum = 0;  // held so far (messages x arrival time)
      double last = 0;                       // of which in the latest interval
    };
    std::map<std::string, Class> by_class;
    double first = -1;                  // the first arrival held
    double last_from = 0, last_to = 0;  // the part of the latest interval that held mail
  };
  std::map<int, Held> held_;
  std::vector<double> move_start_;  // by mailbox: when its current move started

  // `messages` of the interval [t0, t0 + dt) for mailbox `m` (being moved): the part of the
  // interval since its move started is held, arriving evenly over it.
  // Returns how many it held.
  double hold(int m, const MailPath& path, double messages, double t0, double dt) {
    const double from = std::max(t0, move_start_[size_t(m)]);
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
      if (late > 0) rec_.mail.mail.push_back({cls, now, 0.0, late});
      if (c.messages <= 0) continue;
      const double wait = std::max(0.0, now - c.arrival_sum / c.messages);
      rec_.mail.mail.push_back({cls, now, wait, c.messages});
      note_delay(c.messages, wait, std::max(0.0, now - h.first));
    }
    held_.erase(it);
  }
  double pending_t0_ = 0, pending_dt_ = 0;  // aggregate: the interval not yet committed
  std::vector<DeliveredMail> pending_mail_;
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

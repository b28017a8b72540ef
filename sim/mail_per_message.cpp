// Per message: every message is an actor walking its path (see mail_transport.hpp).
#include <map>

#include "mail_transport.hpp"
#include "random.hpp"

namespace coexlab::sim {
namespace {

constexpr double kDay = 86400.0;

struct PerMessageHub : Hub {
  sg4::SemaphorePtr slots;  // as many processed at once as the hub has cores
  Channel queue_io;         // meter + database disk
  double in_hub = 0, last_change = 0;

  void change_in_hub(double now, double delta) {
    in_hub_integral += in_hub * (now - last_change);
    last_change = now;
    in_hub += delta;
    peak = std::max(peak, in_hub);
  }
};

class PerMessageTransport final : public MailTransport {
 public:
  explicit PerMessageTransport(MailContext& c)
      : c_(c),
        arrivals_(c.s.seed, "mail/arrivals"),
        recipients_(c.s.seed, "mail/recipients"),
        service_(c.s.seed, "mail/service") {
    for (const MailPaths::Network& n : c.paths.networks())
      channels_.push_back(c.platform.add_channel("mail:" + n.key, n.links));
    hub_of_server_.assign(c.s.servers.size(), -1);
    for (size_t i = 0; i < c.s.servers.size(); ++i) {
      if (!is_transport(c.s.servers[i])) continue;
      PerMessageHub h;
      static_cast<Hub&>(h) = make_hub(c, int(i));
      h.queue_io = c.platform.add_channel(
          "hubq:" + c.s.servers[i].name,
          {sg4::LinkInRoute(h.meter), sg4::LinkInRoute(c.platform.server(int(i)).database_disk)});
      hub_of_server_[i] = int(hubs_.size());
      hubs_.push_back(h);
    }
  }

  void start() override {
    for (PerMessageHub& h : hubs_) h.slots = sg4::Semaphore::create(unsigned(h.cores));
  }

  void plan_interval(double /*t0*/, double /*dt*/) override {}

  void run_interval(double t0, double t1) override { send_messages(t0, t1); }

  void move_ended(int mailbox) override {
    if (const auto it = waiting_for_.find(mailbox); it != waiting_for_.end()) {
      for (const sg4::ActorPtr& a : it->second) a->resume();  // its mail goes on
      waiting_for_.erase(it);
    }
  }

  void finish(double end) override {
    MailRecording& out = c_.rec.mail;
    for (PerMessageHub& h : hubs_) {
      h.change_in_hub(end, 0);
      out.hubs.push_back(hub_stats(c_, h, end));
    }
    out.undelivered = in_flight_;
  }

  std::vector<std::pair<int, sg4::Link*>> hub_meters() const override {
    std::vector<std::pair<int, sg4::Link*>> out;
    for (const Hub& h : hubs_) out.emplace_back(h.server, h.meter);
    return out;
  }

 private:
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
    const bool connector = c_.paths.connector() >= 0;
    for (const auto& [key, p] : c_.users.groups()) {
      if (p.users <= 0.5 || !c_.storage.mounted(key.first)) continue;
      const double f = c_.site_factor[size_t(c_.users.database_site(key.second))] / kDay;
      if (p.sent > 0) {
        sources.push_back({key.first, key.second, false, p.sent * f, p.sent_bytes / p.sent});
        total += sources.back().rate;
      }
      if (p.internet_in > 0 && connector) {
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
      UserPopulation::Recipient to;
      if (src->from_internet) {
        path = &c_.paths.inbound(src->server);
      } else {
        to = c_.users.draw_recipient(src->original_db, c_.s.workload.recipients, recipients_);
        path = to.server < 0 ? &c_.paths.outbound(src->server)
                             : &c_.paths.internal(src->server, to.server);
      }
      if (!path->valid) continue;
      sg4::this_actor::sleep_until(t);
      const double size = src->size;
      const int locked = to.moving;
      ++in_flight_;
      sg4::Actor::create("mail", c_.platform.server(path->first).host, [this, path, size, locked] {
        deliver(*path, size, locked);
      })->daemonize();
    }
  }

  void exec_on(int server, double cycles) {
    if (cycles >= 1) execute_on(c_.platform.server(server).host, cycles);
  }

  void flow(int network, double bytes) { start_flow(channels_[size_t(network)], bytes)->wait(); }

  void at_hub(int server) {
    PerMessageHub& h = hubs_[size_t(hub_of_server_[size_t(server)])];
    const double arrived = sg4::Engine::get_clock();
    h.change_in_hub(arrived, +1);
    h.slots->acquire();
    const double started = sg4::Engine::get_clock();
    const double mean = c_.cost.hub_cpu_cycles_per_message;
    if (mean > 0) execute_on(c_.platform.server(server).host, service_.exponential(1.0 / mean));
    const double io = c_.cost.hub_queue_ios_per_message * c_.platform.server(server).page_size;
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
      exec_on(server, c_.cost.smtp_cpu_cycles_per_message);
  }

  // Mail to a mailbox being moved waits where it is (at the Hub, or the 2003 server that
  // would deliver it) until the move ends: the store refuses a locked mailbox.
  void wait_for_move(int mailbox) {
    if (mailbox < 0 || !c_.users.moving(mailbox)) return;
    // Suspended until move_ended resumes it (a suspended actor can be killed cleanly at the end
    // of the run; one blocked on a mutex and condition variable cannot).
    const double from = sg4::Engine::get_clock();
    waiting_for_[mailbox].push_back(sg4::Actor::self());
    sg4::this_actor::suspend();
    const double waited = sg4::Engine::get_clock() - from;
    note_delay(c_.rec.mail, 1, waited, waited);
  }

  // `locked`: the recipient's mailbox when it was being moved at submission, else -1. After
  // the wait the message is delivered where the mailbox lives then (its network hops were
  // the source's: the difference is a LAN or WAN hop of one message, not modelled).
  void deliver(const MailPath& p, double size, int locked) {
    const double start = sg4::Engine::get_clock();
    if (p.inbound) {
      flow(p.in_network, size);
      transit(p.first);
    } else {
      exec_on(p.first, c_.cost.store_cpu_cycles_per_message);  // submission
    }
    for (size_t i = 0; i < p.hops.size(); ++i) {
      const PathHop& ph = p.hops[i];
      const bool last = i + 1 == p.hops.size();
      if (last) wait_for_move(locked);  // held before the last hop, at its Hub
      if (ph.network >= 0) {
        if (ph.round_trip_s > 0) sg4::this_actor::sleep_for(ph.round_trip_s);
        flow(ph.network, size);
      }
      if (!last || p.outbound)
        transit(ph.hop.to_server);
      else
        exec_on(locked >= 0 ? c_.users.home_server(locked) : ph.hop.to_server,
                c_.cost.store_cpu_cycles_per_message);  // delivery
    }
    if (p.hops.empty()) wait_for_move(locked);
    if (p.outbound) flow(p.out_network, size);
    --in_flight_;
    const double now = sg4::Engine::get_clock();
    c_.rec.mail.mail.push_back({std::string(to_string(p.path_class)), now, now - start, 1.0});
  }

  MailContext& c_;
  RandomStream arrivals_, recipients_, service_;
  std::vector<Channel> channels_;  // per MailPaths network
  std::vector<PerMessageHub> hubs_;
  std::vector<int> hub_of_server_;
  double in_flight_ = 0;
  std::map<int, std::vector<sg4::ActorPtr>> waiting_for_;  // mail held, by mailbox
};

}  // namespace

std::unique_ptr<MailTransport> make_per_message_transport(MailContext& c) {
  return std::make_unique<PerMessageTransport>(c);
}

}  // namespace coexlab::sim

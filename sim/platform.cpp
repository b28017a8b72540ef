#include "platform.hpp"

#include <stdexcept>

namespace coexlab::sim {

void add_route(sg4::NetZone* zone, sg4::Host* from, sg4::Host* to,
               const std::vector<sg4::LinkInRoute>& links) {
  zone->add_route(from->get_netpoint(), to->get_netpoint(), nullptr, nullptr, links, false);
}

sg4::ExecPtr start_exec(sg4::Host* host, double flops, double bound) {
  sg4::ExecPtr exec = sg4::this_actor::exec_init(flops);
  exec->set_host(host);
  if (bound > 0) exec->set_bound(bound);
  exec->start();
  return exec;
}

void execute_on(sg4::Host* host, double flops) {
  start_exec(host, flops)->wait();
}

namespace {
std::function<void(const sg4::CommPtr&)>& flow_observer() {
  static std::function<void(const sg4::CommPtr&)> observer;
  return observer;
}
}  // namespace

void set_flow_observer(std::function<void(const sg4::CommPtr&)> observer) {
  flow_observer() = std::move(observer);
}

sg4::CommPtr start_flow(const Channel& channel, double bytes) {
  // Debian's 3.32 starts a comm as soon as both ends are set, so the size goes first and the
  // ends last (sendto_init(from, to) would already be STARTING).
  sg4::CommPtr comm = sg4::Comm::sendto_init();
  comm->set_payload_size(static_cast<std::uint64_t>(bytes));
  comm->set_source(channel.source);
  comm->set_destination(channel.destination);
  if (comm->get_state() == sg4::Activity::State::INITED ||
      comm->get_state() == sg4::Activity::State::STARTING) {
    comm->start();
  }
  if (const auto& observer = flow_observer()) observer(comm);
  return comm;
}

Platform::Platform(const Scenario& s, const SiteGraph& graph, const CostModel& cost)
    : s_(s), graph_(graph) {
  zone_ = sg4::create_full_zone("coexlab");
  for (const Server& sv : s.servers) {
    ServerPlatform p;
    // One flop is one CPU cycle: the host's speed is the clock of one core.
    p.host = zone_->create_host(sv.name, sv.hardware.clock.value);
    p.host->set_core_count(sv.hardware.cores);
    p.page_size = page_size(cost, sv).value;
    p.database_disk = zone_->create_link(sv.name + "/database_disk",
                                         sv.hardware.database_disk.iops * p.page_size);
    p.database_disk->seal();
    p.log_disk = zone_->create_link(sv.name + "/log_disk", sv.hardware.log_disk.throughput.value);
    p.log_disk->seal();
    p.nic = zone_->create_split_duplex_link(sv.name + "/nic", sv.hardware.nic.value);
    p.nic->seal();
    servers_.push_back(p);
  }
  for (size_t i = 0; i < servers_.size(); ++i) {
    const Channel c =
        add_channel("disk:" + s.servers[i].name, {sg4::LinkInRoute(servers_[i].database_disk)});
    servers_[i].disk_only.source = c.source;
    servers_[i].disk_only.destination = c.destination;
  }
  for (const Site& site : s.sites) {
    auto* lan =
        zone_->create_split_duplex_link("site/" + site.name + "/lan", site.lan.bandwidth.value);
    lan->seal();
    lans_.push_back(lan);
  }
  for (const Link& l : s.links) {
    auto* wan = zone_->create_split_duplex_link("link/" + l.name, l.bandwidth.value);
    wan->seal();
    wans_.push_back(wan);
  }
}

Channel Platform::add_channel(const std::string& name, const std::vector<sg4::LinkInRoute>& links) {
  if (auto it = channels_.find(name); it != channels_.end()) return it->second;
  Channel c;
  // Endpoints never compute: their speed is irrelevant.
  c.source = zone_->create_host("channel:" + name + ":src", 1e9);
  c.destination = zone_->create_host("channel:" + name + ":dst", 1e9);
  add_route(zone_, c.source, c.destination, links);
  channels_.emplace(name, c);
  std::vector<const sg4::Link*>& crossed = channel_links_[c.source];
  for (const sg4::LinkInRoute& l : links) {
    const auto* duplex = dynamic_cast<const sg4::SplitDuplexLink*>(l.get_link());
    if (!duplex)
      crossed.push_back(l.get_link());
    else if (l.get_direction() == sg4::LinkInRoute::Direction::DOWN)
      crossed.push_back(duplex->get_link_down());
    else
      crossed.push_back(duplex->get_link_up());
  }
  return c;
}

const std::vector<const sg4::Link*>& Platform::channel_links(const sg4::Host* source) const {
  static const std::vector<const sg4::Link*> none;
  const auto it = channel_links_.find(source);
  return it == channel_links_.end() ? none : it->second;
}

sg4::Link* Platform::add_rate_limit(const std::string& name, double rate) {
  if (auto it = rate_limits_.find(name); it != rate_limits_.end()) return it->second;
  sg4::Link* link = zone_->create_link("limit:" + name, rate);
  link->set_sharing_policy(sg4::Link::SharingPolicy::FATPIPE);
  link->seal();
  rate_limits_.emplace(name, link);
  return link;
}

sg4::Link* Platform::add_meter(const std::string& name) {
  // Far above any disk or network here: it never binds the max-min sharing.
  sg4::Link* link = zone_->create_link("meter:" + name, 1e15);
  link->seal();
  return link;
}

void Platform::seal() {
  zone_->seal();
}

LegLinks Platform::leg(int from, int to) const {
  using Dir = sg4::LinkInRoute::Direction;
  const NetworkLeg route = network_leg(s_, graph_, from, to);  // models/move_cost.hpp
  LegLinks leg;
  leg.latency = route.latency;
  for (const NetworkHop& h : route.hops) {
    sg4::SplitDuplexLink* link = nullptr;
    switch (h.kind) {
      case NetworkHop::Kind::nic:
        link = servers_[static_cast<size_t>(h.index)].nic;
        break;
      case NetworkHop::Kind::lan:
        link = lans_[static_cast<size_t>(h.index)];
        break;
      case NetworkHop::Kind::wan:
        link = wans_[static_cast<size_t>(h.index)];
        break;
    }
    leg.links.emplace_back(link, h.up ? Dir::UP : Dir::DOWN);
  }
  return leg;
}

}  // namespace coexlab::sim

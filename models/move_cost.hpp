// The cost of one Move-Mailbox, written once: the simulator (sim/migration.cpp), the
// scheduler's predictor (move_estimate.hpp) and the lower bound (analysis/lower_bound.hpp) all
// read these formulas, so a change to the model reaches the three together (docs/model.md,
// "Moves").
//
//   a move = the route latency once (source -> mover -> target, one way)
//          + per chunk: items x per-item time  (RPC round trips on both legs, store time)
//                       then the chunk's bytes as one flow over the path's resources,
//                       capped at tcp_window / RTT of the slower leg, beside page I/O on both
//                       databases and CPU work on source, mover and target.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "calibration.hpp"
#include "mailboxes.hpp"
#include "random.hpp"
#include "scenario.hpp"

namespace coexlab {

class SiteGraph;

// Bytes per random database page I/O: ESE's page, 4 KiB on 2003 and 8 KiB on 2007.
Bytes page_size(const CostModel& cost, const Server& server);

// A move's work in chunks of about move_chunk_size: the mailbox's bytes and items are split
// evenly over them in whole units (chunk c gets floor(total (c+1)/n) - floor(total c/n)).
class ChunkPlan {
 public:
  ChunkPlan(const CostModel& cost, Bytes size, std::int64_t items);

  std::int64_t count() const { return chunks_; }
  double bytes(std::int64_t c) const { return split(size_, c); }
  std::int64_t items(std::int64_t c) const { return std::int64_t(split(double(items_), c)); }
  std::int64_t first_item(std::int64_t c) const { return std::int64_t(cut(double(items_), c)); }

  // The part of chunk c that precedes item `item` of the mailbox (which lies in chunk c):
  // the items before it, and their share of the chunk's bytes, rounded down.
  struct Part {
    double bytes = 0;
    std::int64_t items = 0;
  };
  Part before_item(std::int64_t c, std::int64_t item) const;

  // The items an attempt that failed after copying `copied` bytes certainly read: every item
  // of the chunks before the failing one, and at least copied x items / bytes of its own (one
  // less for rounding). The lower bound's inverse of before_item.
  std::int64_t items_read_before_failure(Bytes copied) const;

 private:
  double cut(double total, std::int64_t c) const {
    return std::floor(total * double(c) / double(chunks_));
  }
  double split(double total, std::int64_t c) const { return cut(total, c + 1) - cut(total, c); }

  double size_ = 0;
  std::int64_t items_ = 0;
  std::int64_t chunks_ = 1;
};

// Seconds of RPC delay per item: rpc_round_trips_per_item RPCs on each leg, each a round trip
// plus the store's service time, and the store's own time per item. `rtt_sum` is the source
// leg's round trip plus the target leg's.
Seconds per_item_time(const CostModel& cost, Seconds rtt_sum);

// A chunk's RPC delay varies with its items: the sum of n item times of coefficient of
// variation item_time_cv varies by cv / sqrt(n). Per attempt, chunk c's delay is its mean
// times f_c, f_c drawn uniform on [1 - a_c, 1 + a_c] with a_c = sqrt(3) x cv / sqrt(n_c) (at
// most 0.5), then all scaled so that the attempt's whole RPC delay is its mean: the variation
// moves time between the chunks of a move (identical mailboxes do not stay in phase) and
// leaves every move's duration alone on the platform the predictor's. Empty when cv is 0.
std::vector<double> chunk_delay_factors(const CostModel& cost, const ChunkPlan& plan,
                                        RandomStream& rng);
// An attempt's factors, from its own stream "rpc-delay/MAILBOX-ID/ATTEMPT" (attempts count from
// 1): the simulator's and the plan replay's, so both wait the same delays. Empty when cv is 0.
std::vector<double> attempt_delay_factors(const CostModel& cost, const ChunkPlan& plan,
                                          std::uint64_t seed, const std::string& mailbox_id,
                                          int attempt);
// Chunk c's RPC delay: the items it reads x the per-item time, times its factor (1 without
// factors).
double chunk_rpc_delay(std::int64_t items, Seconds per_item, const std::vector<double>& factors,
                       std::int64_t c);
// The smallest factor any chunk can get, (1 - a) / (1 + a) for the widest spread a of the
// plan's chunks (the lower bound's, for a part of a move): 1 when cv is 0.
double min_chunk_delay_factor(const CostModel& cost, const ChunkPlan& plan);

// What one RPC stream can carry: tcp_window / the slower leg's round trip; +inf without a
// window or a round trip.
double window_cap_bytes_per_s(const CostModel& cost, Seconds rtt_max);

// CPU cycles a chunk costs on each of the source, the mover and the target.
double chunk_cycles(const CostModel& cost, double bytes, std::int64_t items);

// Bytes of random page I/O a chunk's items cost on one database (per-item lookups), in that
// database's page size.
double chunk_page_io_bytes(const CostModel& cost, std::int64_t items, Bytes page);

// Unreadable items are a property of the mailbox (the same on every attempt): each item is
// bad with probability bad_item_rate, drawn from the stream "bad-items/ID". The move fails on
// the bad item that exceeds bad_item_limit.
struct BadItems {
  std::int64_t fail_item = -1;  // index of the item that fails the move; -1: it does not fail
  int count = 0;                // unreadable items met (up to and including the failing one)
};
BadItems draw_bad_items(const CostModel& cost, std::uint64_t seed, const Mailbox& m,
                        int bad_item_limit);

// The network part of a transfer from one server to another, as resources in crossing order:
// the sender's NIC (up), its site's LAN (up), the WAN links of the least-cost site route (up
// from a link's first `between` site to its second), the receiver's LAN (down) and NIC (down).
// Empty when both are one server; a LAN only once within one site.
struct NetworkHop {
  enum class Kind { nic, lan, wan } kind = Kind::nic;
  int index = -1;  // the server, site or link
  bool up = true;  // the direction of a full-duplex resource
};
struct NetworkLeg {
  std::vector<NetworkHop> hops;
  Seconds latency{0};  // one way: LAN(s) + WAN links
};
NetworkLeg network_leg(const Scenario& s, const SiteGraph& graph, int from, int to);

}  // namespace coexlab

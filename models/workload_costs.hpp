// What a user's behaviour costs on each Exchange version: database IOPS, database cache,
// transaction logs — derived from the profile's messages per day and the published tables
// of shared/reference/exchange-facts.md, unless the profile overrides a figure.
#pragma once

#include "scenario.hpp"

namespace coexlab {

struct UserCost {
  double database_iops = 0;    // random I/Os per second at the busy-hour average
  double read_fraction = 0;    // share of those I/Os that are reads
  Bytes cache{0};              // database cache the user needs (2007)
  Bytes log_bytes_per_day{0};  // transaction log generated per day
};

// Exchange 2003 (TechNet bb125019): light 0.5 IOPS at 20 sent / 50 received a day, average
// 0.75 at 30/75, heavy 1.0 at 40/100, large 1.5 at 60/150: exactly (sent + received) / 140.
// Reads:writes 3:1 to 2:1 (we use 70 % reads). 4 KiB pages.
// Exchange 2007 (LoadGen, unverified): 0.11 / 0.18 / 0.32 / 0.48 IOPS at 25 / 50 / 100 / 150
// messages a day, interpolated linearly (extrapolated from the ends); reads:writes 1:1; cache
// 2 / 3.5 / 5 / 5 MB; about 6 / 12 / 24 / 36 one-MB log files a day (also used for 2003,
// whose log volume no table gives: unverified).
UserCost user_cost(const Profile& p, ExchangeVersion v);

// Exchange 2003 is 32-bit: its database cache stops near 900 MB whatever the RAM (unverified).
constexpr double kCache2003Bytes = 900e6;
// Exchange 2007 mailbox server memory: 2 GB base + the users' cache; 32 GB the
// cost-efficient maximum.
constexpr double kBaseMemory2007Bytes = 2e9;
constexpr double kMaxUsefulMemory2007Bytes = 32e9;
// Exchange 2003 is 32-bit: the store uses at most about 4 GB of RAM (with the /3GB switch),
// whatever the server has, and its database cache is capped near 900 MB (exchange-facts.md,
// unverified): the memory a 2003 mailbox server can use, not a figure that grows with users.
constexpr double kMaxUsefulMemory2003Bytes = 4.0 * 1024 * 1024 * 1024;
// A 2003 profile without database_iops_2003: (sent + received per day) / this per user. It is a
// fit to no published row: TechNet's 2003 "average" user (30 sent / 75 received) costs 0.75
// IOPS where this gives 0.75 only at 105 messages; the built-in `average` (10 / 40) gets 0.36.
constexpr double kMessagesPerIops2003 = 140.0;

}  // namespace coexlab

// Materialised mailboxes and the move queue (SPEC §2): mailboxes are generated in file
// order (server, database, index) from the seed; the queue holds the batches in file order,
// each batch's mailboxes in generation order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenario.hpp"

namespace coexlab {

struct Mailbox {
  std::string id;     // SERVER/DATABASE/NNNN, 1-based, at least 4 digits
  int server = -1;    // index into Scenario::servers
  int database = -1;  // index into that server's databases
  Bytes size{0};      // whole bytes
  std::int64_t items = 0;
  std::string profile;   // behaviour profile name
  std::string name;      // display name from an inventory; empty when generated
  std::string identity;  // what `plan` hands Move-Mailbox (inventory); empty when generated
};

// Every mailbox of every database. Sizes: fixed, uniform, or lognormal with the given mean
// and standard deviation of the sizes; each database draws from its own stream
// ("mailbox-sizes/SERVER/DATABASE") so that editing one database leaves the others alone.
std::vector<Mailbox> generate_mailboxes(const Scenario& s);

// The mailboxes of one database, in generation order.
std::vector<Mailbox> generate_database_mailboxes(const Scenario& s, int server, int database);

std::string mailbox_id(const std::string& server, const std::string& database, std::int64_t index);

// One entry of the move queue: what a scheduler sees of a request.
struct MoveRequest {
  int queue_index = 0;  // position in the queue (ties break on it)
  int mailbox = -1;     // index into the generated mailboxes
  int batch = -1;       // index into Migration::batches
  int source_server = -1;
  int source_database = -1;  // index within the source server
  int target_server = -1;
  int target_database = -1;
  Seconds not_before{0};  // earliest start (batch not_before, or 0)
};

// Resolves the batches into the queue (shuffled when migration.order_seed is set). Requires a
// validated scenario (references exist).
std::vector<MoveRequest> build_move_queue(const Scenario& s, const std::vector<Mailbox>& mailboxes);

// How many mailboxes a batch takes out of a database of `count`.
std::int64_t batch_take(const BatchSelection& sel, std::int64_t count);

}  // namespace coexlab

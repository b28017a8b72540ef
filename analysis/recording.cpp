#include "recording.hpp"

#include <fmt/format.h>

namespace coexlab {

std::string_view to_string(EventKind k) {
  switch (k) {
    case EventKind::dismount:
      return "dismount";
    case EventKind::remount:
      return "remount";
    case EventKind::failure:
      return "failure";
  }
  return "failure";
}

std::string describe(const SimEvent& e) {
  switch (e.cause) {
    case EventCause::log_disk_full:
      return fmt::format(
          "{}: log disk full ({} of {}); databases dismounted until a backup truncates the "
          "logs{}",
          e.server, units::format_bytes(e.used), units::format_bytes(e.capacity),
          e.no_backup ? " (no backup configured: never)" : "");
    case EventCause::database_disk_full:
      return fmt::format(
          "{}: database disk full ({} of {}, the next {} do not fit); databases dismounted for "
          "the rest of the run",
          e.server, units::format_bytes(e.used), units::format_bytes(e.capacity),
          units::format_bytes(e.needed));
    case EventCause::logs_truncated:
      return fmt::format("{}: backup truncated the logs; databases mounted", e.server);
    case EventCause::bad_items:
      return fmt::format("{}: {} unreadable items exceed bad_item_limit {}", e.mailbox, e.bad_items,
                         e.bad_item_limit);
  }
  return e.server;
}

}  // namespace coexlab

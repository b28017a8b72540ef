#include "mail_transport.hpp"

#include <algorithm>

namespace coexlab::sim {

bool is_transport(const Server& sv) {
  return sv.is_2007() && (sv.has(Role::hub_transport) || sv.has(Role::edge_transport));
}

Hub make_hub(const MailContext& c, int server) {
  const Server& sv = c.s.servers[size_t(server)];
  Hub h;
  h.server = server;
  h.cores = std::max(1, sv.hardware.cores);
  h.clock = sv.hardware.clock.value;
  h.meter = c.platform.add_meter(sv.name + "/hub_queue_disk");
  h.io_time = c.cost.hub_queue_ios_per_message / std::max(1.0, sv.hardware.database_disk.iops);
  return h;
}

HubQueueStats hub_stats(const MailContext& c, const Hub& h, double end) {
  HubQueueStats st;
  st.server = c.s.servers[size_t(h.server)].name;
  st.messages = h.messages;
  st.mean_wait_s = h.messages > 0 ? h.wait_sum / h.messages : 0;
  st.mean_sojourn_s = h.messages > 0 ? h.sojourn_sum / h.messages : 0;
  st.mean_in_hub = end > 0 ? h.in_hub_integral / end : 0;
  st.peak_in_hub = h.peak;
  return st;
}

void note_delay(MailRecording& mail, double messages, double mean, double longest) {
  mail.delayed_messages += messages;
  mail.delayed_seconds_sum += messages * mean;
  mail.delayed_max_s = std::max(mail.delayed_max_s, longest);
}

}  // namespace coexlab::sim

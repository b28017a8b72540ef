#include "trace.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "coexlab/version.hpp"

namespace coexlab {

namespace {

constexpr int kMoverPid = 1;
constexpr int kLogSpacePid = 2;

// Simulated seconds to whole microseconds. Rounding is monotonic, so attempts that do not
// overlap in seconds do not overlap in microseconds either.
std::int64_t micros(double seconds) {
  return std::llround(seconds * 1e6);
}

std::string quoted(const std::string& text) {
  return nlohmann::json(text).dump();
}

std::string metadata(const char* what, int pid, int tid, const std::string& name) {
  return fmt::format(R"({{"ph":"M","name":"{}","pid":{},"tid":{},"args":{{"name":{}}}}})", what,
                     pid, tid, quoted(name));
}

std::string sort_index(const char* what, int pid, int tid, int index) {
  return fmt::format(R"({{"ph":"M","name":"{}","pid":{},"tid":{},"args":{{"sort_index":{}}}}})",
                     what, pid, tid, index);
}

}  // namespace

std::string trace_json(const RunData& run) {
  const Scenario& s = run.scenario;
  std::vector<std::string> events;

  // Tracks: every thread the mover has (and any thread an attempt names beyond them).
  std::set<int> threads;
  for (int t = 1; t <= s.migration.max_threads; ++t) threads.insert(t);
  for (const MoveAttempt& a : run.recording.attempts) threads.insert(a.thread);
  events.push_back(
      metadata("process_name", kMoverPid, 0, fmt::format("Move-Mailbox on {}", s.migration.mover)));
  events.push_back(sort_index("process_sort_index", kMoverPid, 0, kMoverPid));
  for (int t : threads) {
    events.push_back(metadata("thread_name", kMoverPid, t, fmt::format("mover thread {}", t)));
    events.push_back(sort_index("thread_sort_index", kMoverPid, t, t));
  }

  std::vector<const ResourceSeries*> log_space;
  for (const ResourceSeries& r : run.recording.resources) {
    if (r.kind == ResourceKind::log_space && r.capacity && !r.samples.empty())
      log_space.push_back(&r);
  }
  if (!log_space.empty()) {
    events.push_back(metadata("process_name", kLogSpacePid, 0, "log space (bytes used)"));
    events.push_back(sort_index("process_sort_index", kLogSpacePid, 0, kLogSpacePid));
    events.push_back(metadata("thread_name", kLogSpacePid, 0, "log space"));
  }

  // One complete event per attempt, in start order (the recording's order).
  for (const MoveAttempt& a : run.recording.attempts) {
    const MoveRequest& r = run.queue[size_t(a.queue_index)];
    const Mailbox& mb = run.mailboxes[size_t(a.mailbox)];
    const Server& src = s.servers[size_t(r.source_server)];
    const Server& tgt = s.servers[size_t(r.target_server)];
    const std::int64_t ts = micros(a.start.value);
    const std::int64_t dur = std::max<std::int64_t>(0, micros(a.end.value) - ts);
    events.push_back(fmt::format(
        R"({{"ph":"X","cat":"move","name":{},"pid":{},"tid":{},"ts":{},"dur":{},"args":{{)"
        R"("mailbox":{},"state":"{}","bytes":{:.0f},"bytes_copied":{:.0f},"items":{},)"
        R"("attempt":{},"source":{},"target":{}}}}})",
        quoted(mb.id), kMoverPid, a.thread, ts, dur, quoted(mb.id), to_string(a.state),
        mb.size.value, a.bytes_copied.value, mb.items, a.attempt,
        quoted(src.name + "/" + src.databases[size_t(r.source_database)].name),
        quoted(tgt.name + "/" + tgt.databases[size_t(r.target_database)].name)));
  }

  // Log space counters: bytes used at the sample times, at most kTraceMaxCounterPoints each.
  const std::vector<double>& times = run.recording.sample_times;
  for (const ResourceSeries* r : log_space) {
    const size_t n = std::min(r->samples.size(), times.size());
    const size_t group =
        n <= kTraceMaxCounterPoints ? 1 : (n + kTraceMaxCounterPoints - 1) / kTraceMaxCounterPoints;
    for (size_t i = 0; i < n; i += group) {
      double level = 0;
      for (size_t j = i; j < std::min(n, i + group); ++j) level = std::max(level, r->samples[j]);
      events.push_back(fmt::format(
          R"({{"ph":"C","name":{},"pid":{},"tid":0,"ts":{},"args":{{"used_bytes":{:.0f}}}}})",
          quoted(r->id), kLogSpacePid, micros(times[i]), level * *r->capacity));
    }
  }

  std::string out = "{\"traceEvents\":[\n";
  for (size_t i = 0; i < events.size(); ++i) {
    out += events[i];
    out += i + 1 < events.size() ? ",\n" : "\n";
  }
  out += fmt::format(
      "],\n\"displayTimeUnit\":\"ms\",\n\"otherData\":{{\"coexlab_version\":{},\"scenario\":{},"
      "\"seed\":{},\"start\":\"{}\"}}}}\n",
      quoted(std::string(kVersion)), quoted(s.name), s.seed, s.start.iso());
  return out;
}

}  // namespace coexlab

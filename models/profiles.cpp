#include "profiles.hpp"

namespace coexlab {

const std::vector<Profile>& builtin_profiles() {
  static const std::vector<Profile> profiles = [] {
    std::vector<Profile> p(4);
    p[0].name = "light", p[0].sent_per_day = 5, p[0].received_per_day = 20;
    p[1].name = "average", p[1].sent_per_day = 10, p[1].received_per_day = 40;
    p[2].name = "heavy", p[2].sent_per_day = 20, p[2].received_per_day = 80;
    p[3].name = "very_heavy", p[3].sent_per_day = 30, p[3].received_per_day = 120;
    for (Profile& x : p) x.message_size = Bytes{50e3};
    return p;
  }();
  return profiles;
}

const Profile* find_profile(const Scenario& s, const std::string& name) {
  for (const Profile& p : s.workload.profiles) {
    if (p.name == name) return &p;
  }
  for (const Profile& p : builtin_profiles()) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

}  // namespace coexlab

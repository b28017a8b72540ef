// Built-in user profiles (Exchange 2007 LoadGen, SPEC §2) and look-up of custom ones.
#pragma once

#include <string>
#include <vector>

#include "scenario.hpp"

namespace coexlab {

// light 5 sent / 20 received a day, average 10/40, heavy 20/80, very_heavy 30/120; 50 KB.
const std::vector<Profile>& builtin_profiles();

// A custom profile of the scenario wins over a built-in of the same name; nullptr if none.
const Profile* find_profile(const Scenario& s, const std::string& name);

}  // namespace coexlab

// Deterministic randomness, identical on every machine: std::mt19937_64 (whose output the
// standard fixes) and our own distributions (the standard library's are not portable).
// One stream per purpose, derived from the scenario seed and a purpose label, so that a new
// stream never shifts the numbers of the others.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <string_view>

namespace coexlab {

// FNV-1a, to turn a purpose label into a number.
constexpr std::uint64_t hash_label(std::string_view s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

// SplitMix64 finaliser: decorrelates seeds that differ in few bits.
constexpr std::uint64_t mix64(std::uint64_t z) {
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

class RandomStream {
 public:
  RandomStream(std::uint64_t seed, std::string_view purpose)
      : engine_(mix64(seed ^ mix64(hash_label(purpose)))) {}

  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  // Uniform in (0, 1]: safe for log().
  double uniform_open0() { return 1.0 - uniform(); }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Standard normal by Box-Muller (one value per call; the pair's twin is discarded so that
  // the stream position never depends on earlier calls' parity).
  double normal() {
    const double u1 = uniform_open0();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  double exponential(double rate) { return -std::log(uniform_open0()) / rate; }
  bool bernoulli(double p) { return uniform() < p; }
  std::uint64_t next() { return engine_(); }

 private:
  std::mt19937_64 engine_;
};

}  // namespace coexlab

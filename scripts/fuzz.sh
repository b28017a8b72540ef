#!/usr/bin/env bash
# Fuzzes the input parsers: installs clang-14 and libFuzzer if missing (apt-get, idempotent,
# like scripts/setup.sh), builds the libFuzzer targets of tests/fuzz into build-fuzz/
# (-DCOEXLAB_FUZZ=ON: models/ alone, ASan + UBSan) and runs each one for SECONDS seconds
# (default 60). Runs every target, then exits non-zero if any had a finding, naming the input that
# reproduces it; a finding becomes a regression input (tests/corpus/ for a scenario, with its
# `# expect:` lines, else tests/fuzz/regressions/TARGET/).
#
#   bash scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#   bash scripts/fuzz.sh 3600                # a long campaign: an hour per target
#
# Environment: COEXLAB_FUZZ_BUILD_DIR (build-fuzz), COEXLAB_JOBS (2), COEXLAB_FUZZ_RSS_MB
# (2048), COEXLAB_FUZZ_TIMEOUT (10 s per input), COEXLAB_FUZZ_WORKERS (1 process per target),
# COEXLAB_FUZZ_CORPUS_DIR (where each target's learned corpus is kept between runs, default
# $COEXLAB_FUZZ_BUILD_DIR/corpus: point it outside the build dir to keep it across rebuilds),
# COEXLAB_FUZZ_MERGE=1 (after the run, minimise each corpus with -merge=1: long campaigns
# grow it).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_loader fuzz_units fuzz_set_path fuzz_checks fuzz_inventory fuzz_log_spec fuzz_numbers)
case "$seconds" in ''|*[!0-9]*) echo "fuzz: SECONDS must be a whole number, got '$seconds'" >&2; exit 2;; esac

packages=(cmake make clang-14 libfuzzer-14-dev libclang-rt-14-dev
          libyaml-cpp-dev libboost-dev nlohmann-json3-dev libfmt-dev libcsv-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "fuzz: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

build_dir=${COEXLAB_FUZZ_BUILD_DIR:-build-fuzz}
build_start=$(date +%s)
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 \
  -DCOEXLAB_FUZZ=ON -DCOEXLAB_BUILD_TESTS=OFF -DCOEXLAB_BUILD_BENCH=OFF >/dev/null
cmake --build "$build_dir" -j"${COEXLAB_JOBS:-2}" --target "${targets[@]}"
echo "fuzz: build took $(( $(date +%s) - build_start )) s"

# Seeds (read only) per target; what a run learns goes to $build_dir/corpus/TARGET (kept
# between runs, so a longer local run continues where the last one stopped).
seeds_of() {
  case "$1" in
    fuzz_loader) echo "scenarios tests/corpus tests/fuzz/regressions/fuzz_loader" ;;
    # fuzz_log_spec, fuzz_numbers: tests/fuzz/seeds/TARGET like the others
    *) echo "tests/fuzz/seeds/$1 tests/fuzz/regressions/$1" ;;
  esac
}

status=0
for t in "${targets[@]}"; do
  exe="$build_dir/tests/fuzz/$t"
  corpus="${COEXLAB_FUZZ_CORPUS_DIR:-$build_dir/corpus}/$t"
  artifacts="$build_dir/findings/$t/"
  mkdir -p "$corpus" "$artifacts"
  dict=()
  [ -f "tests/fuzz/$t.dict" ] && dict=(-dict="tests/fuzz/$t.dict")
  log="$build_dir/findings/$t.log"
  echo "== fuzz $t for ${seconds} s (log: $log)"
  # shellcheck disable=SC2046 # seeds_of prints a list of directories
  workers=${COEXLAB_FUZZ_WORKERS:-1}
  parallel=()
  [ "$workers" -gt 1 ] && parallel=(-fork="$workers" -ignore_crashes=0)
  start=$(date +%s)
  if "$exe" "${dict[@]}" "${parallel[@]}" -max_total_time="$seconds" -rss_limit_mb="${COEXLAB_FUZZ_RSS_MB:-2048}" \
      -timeout="${COEXLAB_FUZZ_TIMEOUT:-10}" -max_len=65536 -print_final_stats=1 \
      -artifact_prefix="$artifacts" "$corpus" $(seeds_of "$t") >"$log" 2>&1; then
    grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)' "$log" | tr '\n' ' '
    echo "corpus: $(find "$corpus" -type f | wc -l) inputs in $corpus, $(( $(date +%s) - start )) s"
    if [ "${COEXLAB_FUZZ_MERGE:-0}" = 1 ]; then
      merged="$corpus.merged"
      rm -rf "$merged" && mkdir -p "$merged"
      "$exe" -merge=1 -rss_limit_mb="${COEXLAB_FUZZ_RSS_MB:-2048}" "$merged" "$corpus" >>"$log" 2>&1 &&
        rm -rf "$corpus" && mv "$merged" "$corpus" &&
        echo "corpus merged: $(find "$corpus" -type f | wc -l) inputs"
    fi
  else
    status=1
    tail -n 40 "$log"
    input=$(grep -oE "Test unit written to [^ ]+" "$log" | tail -n 1 | sed 's/Test unit written to //')
    echo "fuzz: FINDING in $t: reproduce with: $exe ${input:-<see $log>}" >&2
  fi
done
exit $status

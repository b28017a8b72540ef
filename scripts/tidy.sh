#!/usr/bin/env bash
# clang-tidy (checks in .clang-tidy) over os/, models/, analysis/, sim/ and cli/ with the compile commands
# of build/ (or $COEXLAB_BUILD_DIR; configure it first: bash scripts/setup.sh). Installs
# clang-tidy-14 if missing. Fails on any finding (WarningsAsErrors in .clang-tidy).
#
#   bash scripts/tidy.sh [DIR...]     default: os models analysis sim cli
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v clang-tidy-14 >/dev/null; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends clang-tidy-14
fi

build_dir=${COEXLAB_BUILD_DIR:-build}
if [ ! -f "$build_dir/compile_commands.json" ]; then
  echo "tidy: no $build_dir/compile_commands.json; run: bash scripts/setup.sh" >&2
  exit 2
fi
dirs=("$@")
[ ${#dirs[@]} -gt 0 ] || dirs=(os models analysis sim cli)
files=()
for d in "${dirs[@]}"; do
  while IFS= read -r f; do files+=("$f"); done < <(find "$d" -name '*.cpp' | sort)
done
start=$(date +%s)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# The compile commands are g++'s: clang does not know -Wno-restrict and friends.
rc=0
run-clang-tidy-14 -quiet -p "$build_dir" -j "${COEXLAB_JOBS:-2}" \
  -extra-arg=-Wno-unknown-warning-option "${files[@]}" >"$log" 2>&1 || rc=$?
# Without the colour codes clang-tidy writes even into a pipe, and without its per-file chatter.
sed 's/\x1b\[[0-9;]*m//g' "$log" \
  | grep -vE '^[0-9]+ warnings? (and [0-9]+ errors? )?generated|^Suppressed [0-9]+ warnings|^Use -header-filter|^clang-tidy-14 |^Running clang-tidy|^$' \
  || true
echo "tidy: ${#files[@]} files in $(( $(date +%s) - start )) s: $([ $rc -eq 0 ] && echo clean || echo FINDINGS)"
exit $rc

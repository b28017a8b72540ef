#!/usr/bin/env bash
# One idempotent set-up step: installs the Debian packages coexlab needs (only the missing
# ones), then configures and builds the project into build/ (or $COEXLAB_BUILD_DIR).
# Extra arguments are passed to CMake's configure step, e.g. -DCOEXLAB_SANITIZE=ON.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake g++ make pkg-config
          libsimgrid-dev libyaml-cpp-dev libboost-graph-dev
          libgtest-dev libgmock-dev libbenchmark-dev
          libcli11-dev nlohmann-json3-dev libfmt-dev libcsv-dev libgsl-dev
          libopenmpi-dev openmpi-bin
          python3 python3-jsonschema python3-yaml)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

build_dir=${COEXLAB_BUILD_DIR:-build}
build_type=${COEXLAB_BUILD_TYPE:-Release}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE="$build_type" "$@" >/dev/null
cmake --build "$build_dir" -j"${COEXLAB_JOBS:-2}"

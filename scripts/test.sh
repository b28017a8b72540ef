#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh) and runs the whole test suite in build/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
ctest --test-dir "${COEXLAB_BUILD_DIR:-build}" --output-on-failure -j"${COEXLAB_JOBS:-2}" "$@"

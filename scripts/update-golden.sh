#!/usr/bin/env bash
# Regenerates tests/golden/<scenario>/{summary.json,moves.csv,mailboxes.csv} from build/coexlab.
# Run it only when a change of the model is intended, and say in the commit message what changed and why.
set -euo pipefail
cd "$(dirname "$0")/.."
for scenario in contoso-weekend hq-branch-edge hairpin inventory-example; do
  build/coexlab run "scenarios/$scenario.yaml" --out "tests/golden/$scenario" --quiet
  rm -f "tests/golden/$scenario/utilisation.csv" "tests/golden/$scenario/report.html"
  echo "updated tests/golden/$scenario"
done

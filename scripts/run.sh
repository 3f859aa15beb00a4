#!/usr/bin/env bash
# Sets up, builds natgrad in release mode, and runs it; with no arguments, the main job on the
# embedded default data (`natgrad compare`: report in natgrad-report/). Any arguments are passed to natgrad (e.g. `scripts/run.sh bench --json`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product natgrad >&2
exec .build/release/natgrad "$@"

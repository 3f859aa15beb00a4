#!/usr/bin/env bash
# Sets up and runs the whole test suite. Arguments are passed to `swift test` (e.g. --filter Kronecker).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift test "$@"

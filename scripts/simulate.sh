#!/usr/bin/env bash
# The main job: install what is missing, build the release preset and run the
# workload simulator with its default workload. Extra arguments go to sw_sim
# (see `build/release/bench/sw_sim --help`).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc)" --target sw_sim >/dev/null
exec build/release/bench/sw_sim "$@"

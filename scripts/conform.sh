#!/usr/bin/env bash
# The main job: installs the reference Go toolchains, builds trace-harness and runs the
# conformance suite (`trace-harness conform`) against the reference, reference-strict and
# every cached Go toolchain. Extra arguments go to `trace-harness conform`.
# Exit status: 0 every divergence listed, 1 a conformance failure, 2 environment error.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/go-toolchains.sh --quiet >/dev/null || { echo "conform: toolchains unavailable" >&2; exit 2; }
cargo build --release --quiet -p trace-harness || exit 2
exec target/release/trace-harness conform "$@"

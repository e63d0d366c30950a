#!/usr/bin/env bash
# Regenerates the insta snapshots of `dump` under snapshots/dump/ from Go itself: for every
# committed trace of at most SNAPSHOT_MAX_BYTES (default 4096; larger traces are compared
# live against the cached toolchains instead, to keep the repository small) and every Go
# release that reads it, the release's own `go tool trace -d=parsed` (-d=1 before 1.25)
# output (TZ=UTC), in insta's file format, followed by an end marker so that trailing blank lines
# survive insta's normalisation. harness/tests/dump_snapshots.rs checks them.
set -euo pipefail
cd "$(dirname "$0")/.."
max=${SNAPSHOT_MAX_BYTES:-4096}
out=snapshots/dump
mkdir -p "$out"
rm -f "$out"/*.snap
toolchains=$(bash scripts/go-toolchains.sh --quiet)
n=0
while read -r version go; do
  minor=${version#1.}; minor=${minor%%.*}
  flag=-d=parsed; [ "$minor" -ge 25 ] || flag=-d=1
  for trace in corpus/traces/go1.*/*.trace; do
    [ "$(stat -c %s "$trace")" -le "$max" ] || continue
    dir=$(basename "$(dirname "$trace")"); writes=${dir#go1.}
    [ "$writes" = 27 ] && writes=26  # Go 1.27 writes go 1.26 traces
    [ "$writes" -le "$minor" ] || continue
    name="go1.${minor}__${dir}__$(basename "$trace" .trace)"
    {
      printf -- '---\nsource: harness/tests/dump_snapshots.rs\nexpression: "go tool trace %s %s (Go %s)"\n---\n' "$flag" "$trace" "$version"
      GOTOOLCHAIN=local TZ=UTC "$go" tool trace "$flag" "$trace"
      printf -- '-- end of output --\n'
    } >"$out/$name.snap"
    n=$((n + 1))
  done
done <<<"$toolchains"
echo "make-snapshots: wrote $n snapshots to $out ($(du -sh "$out" | cut -f1))" >&2

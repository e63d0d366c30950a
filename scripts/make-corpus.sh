#!/usr/bin/env bash
# Regenerates the real-trace corpus: builds every program in corpus/programs/ with every
# reference Go toolchain (scripts/go-toolchains.sh), runs it to write
# corpus/traces/go<MAJOR.MINOR>/<program>.trace, and saves that toolchain's own raw dump of the
# trace (`go tool trace -d=2` for 1.22/1.23, `-d=wire` for 1.25+) as <program>.wire.txt. Each
# trace must also pass the same toolchain's full parse (`-d=1` / `-d=parsed`, output discarded).
#
#   --only-toolchain V[,V...]  regenerate only these toolchains (e.g. 1.27.3)
#   --only-program NAME[,...]  regenerate only these programs (directory names)
#   TRACE_HARNESS_GO_CACHE     toolchain cache folder (also holds GOCACHE/GOPATH per version)
#
# Per-program settings live in the program's own source:
#   //go:build go1.NN          skip toolchains older than 1.NN
#   // corpus: env KEY=VALUE   extra environment for the run (e.g. GODEBUG, GOMAXPROCS)
#   import "C"                 build with CGO_ENABLED=1; skipped with a message if cgo cannot build
# Every other run uses GOMAXPROCS=2 and CGO_ENABLED=0. Fails if any trace exceeds 300 KiB or the
# whole of corpus/traces exceeds 15 MiB.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
programs_dir="$repo/corpus/programs"
traces_dir="$repo/corpus/traces"
cache="${TRACE_HARNESS_GO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/trace-harness/go}"
max_trace_bytes=$((300 * 1024))
max_total_bytes=$((15 * 1024 * 1024))
default_gomaxprocs=2
run_timeout=60

only_toolchain=""
only_program=""
while [ $# -gt 0 ]; do
  case "$1" in
    --only-toolchain) [ $# -ge 2 ] || { echo "make-corpus.sh: $1 needs a value" >&2; exit 2; }
      only_toolchain="$2"; shift 2 ;;
    --only-program) [ $# -ge 2 ] || { echo "make-corpus.sh: $1 needs a value" >&2; exit 2; }
      only_program="$2"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "make-corpus.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done

log() { echo "make-corpus: $*" >&2; }
die() { echo "make-corpus: error: $*" >&2; exit 1; }

# Settings from the caller's environment that would change what the programs or the toolchain do.
unset GOOS GOARCH GOEXPERIMENT GODEBUG GOMAXPROCS GOROOT GOPATH GOCACHE GOFLAGS GOWORK CGO_ENABLED

# All programs, in a stable order; --only-program must name existing ones.
all_programs=()
for dir in "$programs_dir"/*/; do
  name=$(basename "$dir")
  [ "$name" = internal ] && continue
  [ -f "$dir/main.go" ] && all_programs+=("$name")
done
[ ${#all_programs[@]} -gt 0 ] || die "no programs found under $programs_dir"
programs=("${all_programs[@]}")
if [ -n "$only_program" ]; then
  IFS=, read -r -a programs <<<"$only_program"
  for p in "${programs[@]}"; do
    [ -f "$programs_dir/$p/main.go" ] || die "unknown program: $p (have: ${all_programs[*]})"
  done
fi

toolchain_args=(--quiet)
if [ -n "$only_toolchain" ]; then
  # Full versions only: go-toolchains.sh would try to install anything else it is given.
  [[ "$only_toolchain" =~ ^1\.[0-9]+\.[0-9]+(,1\.[0-9]+\.[0-9]+)*$ ]] \
    || die "--only-toolchain wants full versions such as 1.27.3 (see scripts/go-toolchains.sh)"
  toolchain_args+=(--only "$only_toolchain")
fi
toolchains=$(bash "$repo/scripts/go-toolchains.sh" "${toolchain_args[@]}") \
  || die "scripts/go-toolchains.sh failed"
[ -n "$toolchains" ] || die "scripts/go-toolchains.sh listed no toolchains"

work=$(mktemp -d "${TMPDIR:-/tmp}/make-corpus.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Smallest Go minor version a program needs, from a `//go:build go1.NN` line (22 if none).
min_minor() {
  local v
  v=$(sed -n 's|^//go:build go1\.\([0-9][0-9]*\)$|\1|p' "$programs_dir/$1"/*.go | sort -n | tail -n 1)
  echo "${v:-22}"
}

# Extra KEY=VALUE settings from `// corpus: env KEY=VALUE` lines.
program_env() {
  sed -n 's|^// corpus: env \([A-Za-z_][A-Za-z0-9_]*=.*\)$|\1|p' "$programs_dir/$1"/*.go
}

uses_cgo() { grep -qx 'import "C"' "$programs_dir/$1"/*.go; }

generated=0
skipped=()
# The list is read on fd 3 so that nothing the loop runs can swallow it through stdin.
while read -r version gobin <&3; do
  [ -n "$version" ] || continue
  minor=$(echo "$version" | cut -d. -f2)
  out_dir="$traces_dir/go1.$minor"
  mkdir -p "$out_dir"
  go_env=(
    GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-mod=mod GOTELEMETRY=off GOENV=off GOWORK=off
    "GOCACHE=$cache/gocache-$version" "GOPATH=$cache/gopath-$version"
  )
  # Raw dump (saved) and full parse (checked only) flags of this toolchain's `go tool trace`.
  if [ "$minor" -le 23 ]; then dump_flag=-d=2 parse_flag=-d=1; else dump_flag=-d=wire parse_flag=-d=parsed; fi
  log "go $version ($gobin): ${#programs[@]} program(s) -> ${out_dir#"$repo"/}"

  # A full run drops outputs of programs that no longer exist.
  if [ -z "$only_program" ]; then
    for f in "$out_dir"/*.trace "$out_dir"/*.wire.txt; do
      [ -e "$f" ] || continue
      base=$(basename "$f"); base=${base%.wire.txt}; base=${base%.trace}
      if [[ " ${all_programs[*]} " != *" $base "* ]]; then
        log "  removing stale ${f#"$repo"/}"
        rm -f "$f"
      fi
    done
  fi

  for prog in "${programs[@]}"; do
    trace="$out_dir/$prog.trace"
    wire="$out_dir/$prog.wire.txt"
    need=$(min_minor "$prog")
    if [ "$minor" -lt "$need" ]; then
      log "  skip $prog: needs go1.$need"
      skipped+=("go1.$minor/$prog (needs go1.$need)")
      rm -f "$trace" "$wire"
      continue
    fi

    cgo=0
    uses_cgo "$prog" && cgo=1
    bin="$work/$prog-$version"
    log "  build $prog (CGO_ENABLED=$cgo)"
    if ! (cd "$programs_dir" && env "${go_env[@]}" CGO_ENABLED=$cgo \
          "$gobin" build -trimpath -o "$bin" "./$prog") 2>"$work/build.err"; then
      if [ "$cgo" = 1 ]; then
        sed 's/^/    /' "$work/build.err" >&2
        log "  skip $prog: cgo cannot build with go $version here (existing files left untouched)"
        skipped+=("go1.$minor/$prog (cgo build failed)")
        continue
      fi
      cat "$work/build.err" >&2
      die "building $prog with go $version failed"
    fi

    run_env=()
    while IFS= read -r kv; do run_env+=("$kv"); done < <(program_env "$prog")
    [[ " ${run_env[*]-} " == *" GOMAXPROCS="* ]] || run_env=("GOMAXPROCS=$default_gomaxprocs" "${run_env[@]+"${run_env[@]}"}")
    log "  run $prog (${run_env[*]})"
    rm -f "$work/out.trace"
    if ! (cd "$work" && env "${run_env[@]}" timeout "$run_timeout" "$bin" "$work/out.trace") \
        </dev/null >"$work/run.out" 2>&1; then
      cat "$work/run.out" >&2
      die "running $prog built with go $version failed"
    fi
    [ -s "$work/out.trace" ] || die "$prog built with go $version wrote no trace"

    log "  go tool trace $dump_flag $prog.trace"
    if ! (cd "$work" && env "${go_env[@]}" TZ=UTC "$gobin" tool trace "$dump_flag" out.trace) \
        >"$work/out.wire.txt" 2>"$work/dump.err"; then
      cat "$work/dump.err" >&2
      keep="${TMPDIR:-/tmp}/make-corpus-failed-go$version-$prog.trace"
      cp "$work/out.trace" "$keep"
      die "go $version: go tool trace $dump_flag failed on $prog's trace (copy kept at $keep)"
    fi
    # The corpus holds only traces that the toolchain's own parser accepts and orders.
    if ! (cd "$work" && env "${go_env[@]}" TZ=UTC "$gobin" tool trace "$parse_flag" out.trace) \
        >/dev/null 2>"$work/parse.err"; then
      cat "$work/parse.err" >&2
      keep="${TMPDIR:-/tmp}/make-corpus-failed-go$version-$prog.trace"
      cp "$work/out.trace" "$keep"
      die "go $version: go tool trace $parse_flag rejected $prog's trace (copy kept at $keep)"
    fi
    mv "$work/out.trace" "$trace"
    mv "$work/out.wire.txt" "$wire"
    generated=$((generated + 1))
    log "  wrote ${trace#"$repo"/} ($(wc -c <"$trace") bytes) and $prog.wire.txt ($(wc -c <"$wire") bytes)"
  done
done 3<<<"$toolchains"

# Size limits, over the whole corpus (not only what this run wrote).
too_big=0
while IFS= read -r -d '' f; do
  size=$(wc -c <"$f")
  if [ "$size" -gt "$max_trace_bytes" ]; then
    log "too big: ${f#"$repo"/} is $size bytes (limit $max_trace_bytes)"
    too_big=1
  fi
done < <(find "$traces_dir" -name '*.trace' -print0)
total=$(find "$traces_dir" -type f -printf '%s\n' | awk '{ t += $1 } END { print t + 0 }')
log "generated $generated trace(s); corpus/traces holds $total bytes (limit $max_total_bytes)"
for s in "${skipped[@]+"${skipped[@]}"}"; do log "skipped: $s"; done
[ "$too_big" = 0 ] || die "some traces exceed $max_trace_bytes bytes: shrink the programs' work"
[ "$total" -le "$max_total_bytes" ] || die "corpus/traces is $total bytes, over $max_total_bytes"

#!/usr/bin/env bash
# Wire-level conformance run: every committed real trace and every golden test file of the
# cached Go toolchains, printed by each Go toolchain that reads it (`go tool trace -d=wire`,
# `-d=2` before 1.25) and by `trace-harness wire --as <that release>`; the two outputs must
# be identical. Prints one line per divergence and a closing 'N passed, N failed' line.
# Exit status: 0 all identical, 1 a divergence, 2 environment error.
set -uo pipefail
cd "$(dirname "$0")/.."

toolchains=$(bash scripts/go-toolchains.sh --quiet) || { echo "conform-wire: toolchains unavailable" >&2; exit 2; }
cargo build --release --quiet -p trace-harness || exit 2
th=target/release/trace-harness
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

passed=0 failed=0
# Inputs: committed traces, and each toolchain's golden files assembled to binary.
inputs=()
while IFS= read -r f; do inputs+=("$f"); done < <(find corpus/traces -name '*.trace' | sort)
while read -r version go; do
  goroot=$(GOTOOLCHAIN=local "$go" env GOROOT)
  for dir in "$goroot/src/internal/trace/testdata/tests" "$goroot/src/internal/trace/v2/testdata/tests"; do
    [ -d "$dir" ] || continue
    for t in "$dir"/*.test; do
      out="$work/golden-go$version-$(basename "$t" .test).trace"
      if "$th" wire --assemble "$t" -o "$out" 2>"$work/err"; then
        inputs+=("$out")
      else
        echo "FAIL assemble $t: $(cat "$work/err")"; failed=$((failed + 1))
      fi
    done
  done
done <<<"$toolchains"

total=${#inputs[@]}
echo "conform-wire: ${total} traces x $(wc -l <<<"$toolchains") toolchains" >&2
n=0
for trace in "${inputs[@]}"; do
  n=$((n + 1))
  [ $((n % 20)) -eq 0 ] && echo "conform-wire: $n/$total" >&2
  while read -r version go; do
    minor=${version#1.}; minor=${minor%%.*}
    flag=-d=wire; [ "$minor" -lt 25 ] && flag=-d=2
    GOTOOLCHAIN=local TZ=UTC "$go" tool trace "$flag" "$trace" >"$work/go.out" 2>"$work/go.err"
    go_status=$?
    if [ $go_status -ne 0 ] && grep -q 'unknown or unsupported trace version\|bad file format' "$work/go.err"; then
      continue  # this toolchain does not read the trace's version
    fi
    "$th" wire --as "go1.$minor" "$trace" 2>/dev/null | tail -n +2 >"$work/ours.out"
    if cmp -s "$work/go.out" "$work/ours.out"; then
      passed=$((passed + 1))
    else
      failed=$((failed + 1))
      line=$(cmp "$work/go.out" "$work/ours.out" 2>&1 | head -1)
      echo "FAIL go$version $trace: $line"
    fi
  done <<<"$toolchains"
done
echo "wire conformance: $passed passed, $failed failed"
[ $failed -eq 0 ]

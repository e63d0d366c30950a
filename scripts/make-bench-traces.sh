#!/usr/bin/env bash
# Writes the large-trace benchmark set for `trace-harness bench`: one busy Go program (iter.Pull
# switch chains, unbuffered channels, allocation-driven GC, traced syscalls, user regions and
# logs), built with each requested toolchain and run once per scale. Traces are written
# outside the repository and never committed.
#
#   --out DIR          where to write (default: ${TMPDIR:-/tmp}/trace-harness-bench)
#   --go V[,V...]      cached toolchain releases (default: 1.23.9,1.26.6)
#   --scale N[,N...]   work multipliers (default: 1); 1 gives roughly 50 MB, and the
#                      trace grows linearly with N (use 1,4,16 for the linearity check)
#   --rate R           rounds per second per worker (default: 900, about 10 MB of trace a
#                      second, so 1x runs for 5 s and spans several of the runtime's
#                      roughly one-second generations, and every scale writes generations
#                      of the same size); 0 runs flat out
#   TRACE_HARNESS_GO_CACHE  toolchain cache folder (see scripts/go-toolchains.sh)
#
# Output: DIR/bench-go<release>-x<N>.trace, one line per trace on stdout (path and size).
# Reproduce a measurement with:
#   scripts/make-bench-traces.sh --go 1.26.6 --scale 1
#   target/release/trace-harness bench --as go1.26 /tmp/trace-harness-bench/bench-go1.26.6-x1.trace
set -euo pipefail

cache="${TRACE_HARNESS_GO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/trace-harness/go}"
out="${TMPDIR:-/tmp}/trace-harness-bench"
releases="1.23.9,1.26.6"
scales="1"
rate=900
# Rounds per worker at scale 1; each round is one pull chain of `chainLen` values.
base_rounds=4500

while [ $# -gt 0 ]; do
  case "$1" in
    --out) [ $# -ge 2 ] || { echo "make-bench-traces.sh: $1 needs a value" >&2; exit 2; }
      out="$2"; shift 2 ;;
    --go) [ $# -ge 2 ] || { echo "make-bench-traces.sh: $1 needs a value" >&2; exit 2; }
      releases="$2"; shift 2 ;;
    --scale) [ $# -ge 2 ] || { echo "make-bench-traces.sh: $1 needs a value" >&2; exit 2; }
      scales="$2"; shift 2 ;;
    --rate) [ $# -ge 2 ] || { echo "make-bench-traces.sh: $1 needs a value" >&2; exit 2; }
      rate="$2"; shift 2 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "make-bench-traces.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ "$scales" =~ ^[0-9]+(,[0-9]+)*$ ]] || { echo "make-bench-traces.sh: bad --scale: $scales" >&2; exit 2; }
[[ "$rate" =~ ^[0-9]+$ ]] || { echo "make-bench-traces.sh: bad --rate: $rate" >&2; exit 2; }

unset GOOS GOARCH GOEXPERIMENT GODEBUG GOROOT GOPATH GOFLAGS GOWORK
export GOTOOLCHAIN=local CGO_ENABLED=0 GOMAXPROCS=4 TZ=UTC

work=$(mktemp -d "${TMPDIR:-/tmp}/make-bench-traces.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$out" "$work/src"

cat >"$work/src/go.mod" <<'EOF'
module benchtrace

go 1.23
EOF
cat >"$work/src/main.go" <<'EOF'
// Command benchtrace writes an execution trace of a busy, deterministic workload:
// usage: benchtrace OUT ROUNDS RATE (rounds per second per worker; 0: no pacing).
package main

import (
	"context"
	"iter"
	"os"
	"runtime"
	"runtime/trace"
	"strconv"
	"sync"
	"syscall"
	"time"
)

const (
	workers  = 8
	chainLen = 48
)

func count(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := 0; i < n; i++ {
			if !yield(i) {
				return
			}
		}
	}
}

// doubled pulls from an inner sequence, so each value crosses two coroutine switches.
func doubled(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		next, stop := iter.Pull(count(n))
		defer stop()
		for {
			v, ok := next()
			if !ok || !yield(2*v) {
				return
			}
		}
	}
}

func work(ctx context.Context, w, rounds, rate int, devnull int) {
	due := time.Now()
	ch := make(chan int)
	done := make(chan int)
	go func() {
		sum := 0
		for v := range ch {
			sum += v
		}
		done <- sum
	}()
	var keep [][]byte
	buf := []byte("x")
	for r := 0; r < rounds; r++ {
		// Paced, the trace grows at a steady rate, so a longer run only adds generations
		// of the same size. A worker that falls behind starts afresh instead of catching
		// up in a burst, which would make one generation larger.
		if rate > 0 && r%64 == 0 && r > 0 {
			due = due.Add(64 * time.Second / time.Duration(rate))
			if wait := time.Until(due); wait > 0 {
				time.Sleep(wait)
			} else {
				due = time.Now()
			}
		}
		next, stop := iter.Pull(doubled(chainLen))
		for {
			v, ok := next()
			if !ok {
				break
			}
			if v%8 == 0 {
				ch <- v
			}
		}
		stop()
		keep = append(keep, make([]byte, 2048))
		if len(keep) > 512 {
			keep = keep[:0]
		}
		if r%8 == 0 {
			syscall.Write(devnull, buf)
		}
		if r%32 == 0 {
			trace.WithRegion(ctx, "round", func() {
				trace.Log(ctx, "worker", strconv.Itoa(w))
			})
			runtime.Gosched()
		}
	}
	close(ch)
	<-done
}

func main() {
	rounds, err := strconv.Atoi(os.Args[2])
	if err != nil {
		panic(err)
	}
	rate, err := strconv.Atoi(os.Args[3])
	if err != nil {
		panic(err)
	}
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	devnull, err := syscall.Open("/dev/null", syscall.O_WRONLY, 0)
	if err != nil {
		panic(err)
	}
	if err := trace.Start(f); err != nil {
		panic(err)
	}
	ctx, task := trace.NewTask(context.Background(), "bench")
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work(ctx, w, rounds, rate, devnull)
		}()
	}
	wg.Wait()
	task.End()
	trace.Stop()
	if err := f.Close(); err != nil {
		panic(err)
	}
}
EOF

IFS=, read -r -a release_list <<<"$releases"
IFS=, read -r -a scale_list <<<"$scales"
for release in "${release_list[@]}"; do
  go="$cache/go$release/bin/go"
  [ -x "$go" ] || { echo "make-bench-traces.sh: no Go $release at $go (run scripts/go-toolchains.sh)" >&2; exit 2; }
  bin="$work/benchtrace-$release"
  (cd "$work/src" && GOCACHE="$cache/gocache-$release" "$go" build -trimpath -o "$bin" .)
  for scale in "${scale_list[@]}"; do
    trace="$out/bench-go$release-x$scale.trace"
    "$bin" "$trace" $((base_rounds * scale)) "$rate"
    echo "$trace $(stat -c %s "$trace")"
  done
done

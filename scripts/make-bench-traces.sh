#!/usr/bin/env bash
# Writes the large-trace benchmark set for `trace-harness bench`: busy Go programs built with
# each requested toolchain and run once per scale. Traces are written outside the repository
# and never committed. Two workloads:
#   mix       iter.Pull switch chains, unbuffered channels, allocation-driven GC, traced
#             syscalls, user regions and logs (most events are coroutine switches)
#   channels  goroutines handing values to each other over unbuffered channels, with
#             allocation-driven GC: no coroutines, the shape of most programs' traces
#
#   --out DIR            where to write (default: ${TMPDIR:-/tmp}/trace-harness-bench)
#   --go V[,V...]        cached toolchain releases (default: 1.23.9,1.26.6)
#   --workload W[,W...]  mix, channels (default: mix)
#   --scale N[,N...]     work multipliers (default: 1); 1 gives roughly 50 MB, and the
#                        trace grows linearly with N (use 1,4,16 for the linearity check)
#   --rate R             rounds per second per worker (default: 900 for mix, 32000 for
#                        channels: about 10 MB of trace a second, so 1x runs for about 5 s
#                        and spans several of the runtime's roughly one-second
#                        generations, and every scale writes generations of the same
#                        size); 0 runs flat out
#   TRACE_HARNESS_GO_CACHE  toolchain cache folder (see scripts/go-toolchains.sh)
#
# Output: DIR/bench-go<release>-x<N>.trace (mix) and DIR/channels-go<release>-x<N>.trace,
# one line per trace on stdout (path and size).
# Reproduce a measurement with:
#   scripts/make-bench-traces.sh --go 1.26.6 --scale 1
#   target/release/trace-harness bench --as go1.26 /tmp/trace-harness-bench/bench-go1.26.6-x1.trace
set -euo pipefail

cache="${TRACE_HARNESS_GO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/trace-harness/go}"
out="${TMPDIR:-/tmp}/trace-harness-bench"
releases="1.23.9,1.26.6"
scales="1"
workloads="mix"
rate=""
# Rounds per worker at scale 1 and default pace of each workload: a mix round is one pull
# chain of `chainLen` values, a channels round two hand-offs.
declare -A base_rounds=([mix]=4500 [channels]=160000)
declare -A default_rate=([mix]=900 [channels]=32000)

while [ $# -gt 0 ]; do
  case "$1" in
    --out) [ $# -ge 2 ] || { echo "make-bench-traces.sh: $1 needs a value" >&2; exit 2; }
      out="$2"; shift 2 ;;
    --go) [ $# -ge 2 ] || { echo "make-bench-traces.sh: $1 needs a value" >&2; exit 2; }
      releases="$2"; shift 2 ;;
    --scale) [ $# -ge 2 ] || { echo "make-bench-traces.sh: $1 needs a value" >&2; exit 2; }
      scales="$2"; shift 2 ;;
    --workload) [ $# -ge 2 ] || { echo "make-bench-traces.sh: $1 needs a value" >&2; exit 2; }
      workloads="$2"; shift 2 ;;
    --rate) [ $# -ge 2 ] || { echo "make-bench-traces.sh: $1 needs a value" >&2; exit 2; }
      rate="$2"; shift 2 ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "make-bench-traces.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ "$scales" =~ ^[0-9]+(,[0-9]+)*$ ]] || { echo "make-bench-traces.sh: bad --scale: $scales" >&2; exit 2; }
[[ -z "$rate" || "$rate" =~ ^[0-9]+$ ]] || { echo "make-bench-traces.sh: bad --rate: $rate" >&2; exit 2; }
[[ "$workloads" =~ ^(mix|channels)(,(mix|channels))*$ ]] || {
  echo "make-bench-traces.sh: bad --workload: $workloads (mix, channels)" >&2; exit 2; }

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
// usage: benchtrace OUT ROUNDS RATE [WORKLOAD] (rounds per second per worker, 0: no
// pacing; WORKLOAD mix, the default, or channels).
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

// pacer holds a worker to `rate` rounds per second (0: flat out), checked every `every`
// rounds. Paced, the trace grows at a steady rate, so a longer run only adds generations
// of the same size. A worker that falls behind starts afresh instead of catching up in a
// burst, which would make one generation larger.
type pacer struct {
	due         time.Time
	every, rate int
}

func (p *pacer) round(r int) {
	if p.rate <= 0 || r%p.every != 0 || r == 0 {
		return
	}
	p.due = p.due.Add(time.Duration(p.every) * time.Second / time.Duration(p.rate))
	if wait := time.Until(p.due); wait > 0 {
		time.Sleep(wait)
	} else {
		p.due = time.Now()
	}
}

func work(ctx context.Context, w, rounds, rate int, devnull int) {
	pace := pacer{due: time.Now(), every: 64, rate: rate}
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
		pace.round(r)
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

// handoff sends each round's value to an echo goroutine and waits for its answer: every
// hand-off blocks one goroutine, unblocks the other and starts it.
func handoff(rounds, rate int) {
	pace := pacer{due: time.Now(), every: 1024, rate: rate}
	in, out := make(chan int), make(chan int)
	go func() {
		for v := range in {
			out <- v + 1
		}
		close(out)
	}()
	var keep [][]byte
	for r := 0; r < rounds; r++ {
		pace.round(r)
		in <- r
		<-out
		if r%16 == 0 {
			keep = append(keep, make([]byte, 4096))
			if len(keep) > 256 {
				keep = keep[:0]
			}
		}
	}
	close(in)
	<-out
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
			if len(os.Args) > 4 && os.Args[4] == "channels" {
				handoff(rounds, rate)
			} else {
				work(ctx, w, rounds, rate, devnull)
			}
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

IFS=, read -r -a workload_list <<<"$workloads"
IFS=, read -r -a release_list <<<"$releases"
IFS=, read -r -a scale_list <<<"$scales"
for release in "${release_list[@]}"; do
  go="$cache/go$release/bin/go"
  [ -x "$go" ] || { echo "make-bench-traces.sh: no Go $release at $go (run scripts/go-toolchains.sh)" >&2; exit 2; }
  bin="$work/benchtrace-$release"
  (cd "$work/src" && GOCACHE="$cache/gocache-$release" "$go" build -trimpath -o "$bin" .)
  for workload in "${workload_list[@]}"; do
    prefix=bench
    [ "$workload" = mix ] || prefix="$workload"
    for scale in "${scale_list[@]}"; do
      trace="$out/$prefix-go$release-x$scale.trace"
      "$bin" "$trace" $((${base_rounds[$workload]} * scale)) "${rate:-${default_rate[$workload]}}" "$workload"
      echo "$trace $(stat -c %s "$trace")"
    done
  done
done

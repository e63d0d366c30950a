// corpus: env GODEBUG=traceadvanceperiod=50000000

// cpu-profile runs the CPU profiler while tracing. The profiler's samples are
// also written to the trace (as CPUSample events in CPU-sample batches), so
// the program keeps both Ps busy with pure computation for a fixed stretch of
// wall-clock time, long enough for a few dozen samples at the default 100 Hz.
// It runs with GODEBUG=traceadvanceperiod=50000000 (50ms), so the samples are
// spread over several generations' CPU-sample batches.
package main

import (
	"context"
	"io"
	"runtime/pprof"
	"sync"
	"time"

	"tracecorpus/internal/tracemain"
)

//go:noinline
func mix(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 29
	return x
}

// busy computes until d has elapsed (checked every 64Ki rounds) and returns
// the result so the work cannot be optimised away.
func busy(d time.Duration) uint64 {
	x := uint64(1)
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		for i := 0; i < 1<<16; i++ {
			x = mix(x + uint64(i))
		}
	}
	return x
}

func main() {
	tracemain.Run(func() {
		if err := pprof.StartCPUProfile(io.Discard); err != nil {
			tracemain.Fail(err)
		}
		var wg sync.WaitGroup
		out := make([]uint64, 2)
		for i := range out {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				// The label shows which worker a sample belongs to in pprof;
				// the trace records the sample's goroutine either way.
				pprof.Do(context.Background(), pprof.Labels("worker", string(rune('a'+i))), func(context.Context) {
					out[i] = busy(200 * time.Millisecond)
				})
			}(i)
		}
		wg.Wait()
		pprof.StopCPUProfile()
		tracemain.Check(out[0] != 0 || out[1] != 0, "no work done")
	})
}

// corpus: env GODEBUG=traceadvanceperiod=5000000

// gomaxprocs changes runtime.GOMAXPROCS several times while goroutines are
// running. Each change stops the world and is recorded as a ProcsChange;
// Ps beyond the new count are stopped and later restarted. It runs with
// GODEBUG=traceadvanceperiod=5000000 (5ms), so several generations start with
// a different GOMAXPROCS (each generation opens with ProcsChange and a
// ProcStatus per P).
package main

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"tracecorpus/internal/tracemain"
)

func main() {
	tracemain.Run(func() {
		initial := runtime.GOMAXPROCS(0)
		var stop atomic.Bool
		var wg sync.WaitGroup
		var rounds atomic.Int64
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				x := 0
				for !stop.Load() {
					for j := 0; j < 20000; j++ {
						x += j
					}
					rounds.Add(1)
					time.Sleep(200 * time.Microsecond)
				}
				_ = x
			}()
		}
		for _, n := range []int{1, 4, 3, 1, 2} {
			runtime.GOMAXPROCS(n)
			time.Sleep(3 * time.Millisecond)
		}
		stop.Store(true)
		wg.Wait()
		runtime.GOMAXPROCS(initial)
		tracemain.Check(rounds.Load() > 0, "workers never ran")
	})
}

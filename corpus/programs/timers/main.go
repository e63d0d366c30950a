// corpus: env GODEBUG=traceadvanceperiod=10000000

// timers sleeps and waits on timers: time.Sleep, time.After in a select,
// a ticker, time.AfterFunc, and timers that are reset or stopped before they
// fire. It runs with GODEBUG=traceadvanceperiod=10000000 (10ms instead of the
// default second), so its ~50ms of sleeping spans several generations.
package main

import (
	"sync"
	"sync/atomic"
	"time"

	"tracecorpus/internal/tracemain"
)

func main() {
	tracemain.Run(func() {
		for i := 1; i <= 4; i++ {
			time.Sleep(time.Duration(i) * time.Millisecond)
		}

		// time.After racing a channel that never receives: the timer wins.
		never := make(chan int)
		for i := 0; i < 3; i++ {
			select {
			case <-never:
				tracemain.Fail(nil)
			case <-time.After(time.Millisecond):
			}
		}

		ticker := time.NewTicker(2 * time.Millisecond)
		for i := 0; i < 5; i++ {
			<-ticker.C
		}
		ticker.Stop()

		// AfterFunc runs its callback on a new goroutine.
		var wg sync.WaitGroup
		var fired atomic.Int32
		for i := 0; i < 3; i++ {
			wg.Add(1)
			time.AfterFunc(time.Duration(i+1)*time.Millisecond, func() {
				fired.Add(1)
				wg.Done()
			})
		}
		wg.Wait()
		tracemain.Check(fired.Load() == 3, "AfterFunc fired %d times", fired.Load())

		// A timer pushed back twice, and one stopped before it fires.
		t := time.NewTimer(time.Hour)
		t.Reset(50 * time.Millisecond)
		t.Reset(3 * time.Millisecond)
		<-t.C
		s := time.NewTimer(time.Hour)
		tracemain.Check(s.Stop(), "Stop on a pending timer returned false")

		// Goroutines sleeping concurrently.
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				time.Sleep(time.Duration(1+i%2) * time.Millisecond)
			}(i)
		}
		wg.Wait()
	})
}

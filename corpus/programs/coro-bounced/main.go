//go:build go1.23

// corpus: env GODEBUG=traceadvanceperiod=5000000

// coro-bounced hands one pull iterator around a ring of goroutines through
// channels, so that consecutive next() calls come from different goroutines.
// The coroutine is switched to from a new caller each time, and finally
// stopped by whichever goroutine sees the end. Every fifth hand-over pauses
// for 3ms and the program runs with GODEBUG=traceadvanceperiod=5000000 (5ms),
// so the parked coroutine goroutine crosses generation boundaries.
package main

import (
	"iter"
	"sync"
	"time"

	"tracecorpus/internal/tracemain"
)

// count yields 0, 1, ..., n-1.
func count(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := 0; i < n; i++ {
			if !yield(i) {
				return
			}
		}
	}
}

// puller is the iterator being passed around, plus the running total.
type puller struct {
	next func() (int, bool)
	stop func()
	sum  int
}

func main() {
	tracemain.Run(func() {
		const ring = 3
		var chans [ring]chan *puller
		for i := range chans {
			chans[i] = make(chan *puller, 1)
		}
		result := make(chan int, 1)
		var wg sync.WaitGroup
		for i := 0; i < ring; i++ {
			wg.Add(1)
			go func(in, out chan *puller) {
				defer wg.Done()
				for p := range in {
					v, ok := p.next()
					if !ok {
						p.stop()
						result <- p.sum
						return
					}
					p.sum += v
					if v%5 == 4 {
						time.Sleep(3 * time.Millisecond)
					}
					out <- p
				}
			}(chans[i], chans[(i+1)%ring])
		}

		next, stop := iter.Pull(count(20))
		chans[0] <- &puller{next: next, stop: stop}
		sum := <-result
		for _, c := range chans {
			close(c)
		}
		wg.Wait()
		tracemain.Check(sum == 190, "sum = %d, want 190", sum)
	})
}

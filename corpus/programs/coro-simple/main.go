//go:build go1.23

// coro-simple drains one iter.Pull iterator. iter.Pull starts its producer as
// a coroutine, which the tracer records as GoCreateBlocked; every next() is a
// GoSwitch and the producer's return is a GoSwitchDestroy.
package main

import (
	"iter"

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

func main() {
	tracemain.Run(func() {
		next, stop := iter.Pull(count(16))
		defer stop()
		sum := 0
		for {
			v, ok := next()
			if !ok {
				break
			}
			sum += v
		}
		tracemain.Check(sum == 120, "sum = %d, want 120", sum)
	})
}

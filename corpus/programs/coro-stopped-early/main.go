//go:build go1.23

// coro-stopped-early abandons pull iterators before they are exhausted: one is
// stopped after a few values (the producer's yield returns false and its
// deferred cleanup runs on the coroutine), and one is stopped before next()
// was ever called (the producer never runs).
package main

import (
	"iter"

	"tracecorpus/internal/tracemain"
)

// count yields 0, 1, ..., n-1 and counts how many producers finished.
func count(n int, finished *int) iter.Seq[int] {
	return func(yield func(int) bool) {
		defer func() { *finished++ }()
		for i := 0; i < n; i++ {
			if !yield(i) {
				return
			}
		}
	}
}

func main() {
	tracemain.Run(func() {
		finished := 0

		// Stopped after three of a hundred values.
		next, stop := iter.Pull(count(100, &finished))
		sum := 0
		for i := 0; i < 3; i++ {
			v, ok := next()
			tracemain.Check(ok, "iterator ended after %d values", i)
			sum += v
		}
		stop()
		_, ok := next()
		tracemain.Check(!ok, "next() after stop() returned a value")
		tracemain.Check(sum == 3 && finished == 1, "sum = %d, finished = %d", sum, finished)

		// Stopped before the first next(): the producer body never runs.
		_, stop2 := iter.Pull(count(100, &finished))
		stop2()
		stop2() // a second stop is a no-op
		tracemain.Check(finished == 1, "unstarted producer ran (finished = %d)", finished)
	})
}

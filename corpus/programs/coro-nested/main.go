//go:build go1.23

// coro-nested chains pull iterators: the producer of the outer iterator pulls
// from a middle iterator, whose producer in turn pulls from an inner one. Each
// next() on the outer iterator therefore switches through three coroutines
// and back.
package main

import (
	"iter"

	"tracecorpus/internal/tracemain"
)

// count yields 1, 2, ..., n.
func count(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := 1; i <= n; i++ {
			if !yield(i) {
				return
			}
		}
	}
}

// scaled pulls every value from src and yields it multiplied by k.
func scaled(src iter.Seq[int], k int) iter.Seq[int] {
	return func(yield func(int) bool) {
		next, stop := iter.Pull(src)
		defer stop()
		for {
			v, ok := next()
			if !ok || !yield(v*k) {
				return
			}
		}
	}
}

func main() {
	tracemain.Run(func() {
		next, stop := iter.Pull(scaled(scaled(count(10), 2), 3))
		defer stop()
		sum := 0
		for {
			v, ok := next()
			if !ok {
				break
			}
			sum += v
		}
		tracemain.Check(sum == 330, "sum = %d, want 330", sum)
	})
}

//go:build go1.23

// corpus: env GODEBUG=traceallocfree=1
// corpus: env GOMAXPROCS=1

// allocfree is run with GODEBUG=traceallocfree=1, which turns on the
// experimental allocation/free events (Go 1.23+): when tracing starts the
// runtime describes every live span, heap object and goroutine stack
// (Span, HeapObject, GoroutineStack), and then records each allocation and
// free (SpanAlloc, HeapObjectAlloc, GoroutineStackAlloc and the *Free events).
// The program is deliberately tiny because every heap object costs events.
// It runs with GOMAXPROCS=1: with more Ps, runtime.GC spins in Gosched while
// another P finishes sweeping, adding thousands of GoStart/GoStop pairs.
package main

import (
	"runtime"

	"tracecorpus/internal/tracemain"
)

type pair struct{ a, b *int }

var sink []*pair

func main() {
	tracemain.Run(func() {
		for i := 0; i < 32; i++ {
			a, b := new(int), new(int)
			*a, *b = i, 2*i
			sink = append(sink, &pair{a, b})
		}
		big := make([]byte, 64<<10) // a large object gets its own span
		big[0] = 1
		done := make(chan int)
		go func() { done <- len(sink) }() // a new goroutine stack
		n := <-done
		sink = nil
		runtime.KeepAlive(big)
		runtime.GC() // frees the pairs and the large object
		tracemain.Check(n == 32, "n = %d", n)
	})
}

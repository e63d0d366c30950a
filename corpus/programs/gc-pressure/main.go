// corpus: env GOMAXPROCS=1
// corpus: env GOGC=25
// corpus: env GODEBUG=traceadvanceperiod=2000000

// gc-pressure allocates enough, with a live set large enough, to trigger
// several garbage collections on its own (GOGC=25 lowers the first heap goal
// to 1 MiB), with goroutines allocating during the mark phase (mark assists)
// and sweeping, and then forces one more collection with runtime.GC after
// dropping part of the live set.
//
// It runs with GOMAXPROCS=1. With two or more Ps, runtime.GC and the
// background sweeper spin in Gosched while another P finishes sweeping a span;
// every spin is a GoStop/GoStart pair, and on a small machine the trace size
// then swings from 10 KB to over 500 KB between identical runs. With one P the
// trace is small and stable. GODEBUG=traceadvanceperiod=2000000 (2ms) lets
// generation boundaries fall during collections, so that generations can
// open with GCActive, GCMarkAssistActive and GCSweepActive.
package main

import (
	"runtime"
	"sync"

	"tracecorpus/internal/tracemain"
)

type node struct {
	next  *node
	value int
	pad   [6]int
}

// churn builds lists of nodes, keeping only every keep-th list alive.
func churn(lists, length, keep int) []*node {
	var live []*node
	for l := 0; l < lists; l++ {
		var head *node
		for i := 0; i < length; i++ {
			head = &node{next: head, value: i}
		}
		if l%keep == 0 {
			live = append(live, head)
		}
	}
	return live
}

func sum(lists []*node) int {
	s := 0
	for _, h := range lists {
		for n := h; n != nil; n = n.next {
			s += n.value
		}
	}
	return s
}

func main() {
	tracemain.Run(func() {
		var wg sync.WaitGroup
		results := make([]int, 2)
		for w := range results {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				results[w] = sum(churn(240, 300, 8))
			}(w)
		}
		// Byte slices of several size classes, including large objects.
		var keep [][]byte
		for i := 0; i < 200; i++ {
			b := make([]byte, 64<<(i%8))
			if i%10 == 0 {
				keep = append(keep, b)
			}
		}
		wg.Wait()
		runtime.KeepAlive(keep)
		keep = nil
		runtime.GC()
		for w, r := range results {
			tracemain.Check(r == 30*44850, "worker %d: %d", w, r)
		}
	})
}

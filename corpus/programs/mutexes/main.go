// corpus: env GOMAXPROCS=4

// mutexes makes goroutines contend on a sync.Mutex, a sync.RWMutex and a
// sync.Cond, so that the trace shows sync blocking and unblocking between
// goroutines running on several Ps.
package main

import (
	"runtime"
	"sync"

	"tracecorpus/internal/tracemain"
)

// spin does a little deterministic CPU work while a lock is held.
func spin(n int) int {
	x := 0
	for i := 0; i < n; i++ {
		x = x*31 + i
	}
	return x
}

func mutex(workers, iters int) int {
	var mu sync.Mutex
	var wg sync.WaitGroup
	count := 0
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < iters; i++ {
				mu.Lock()
				count++
				spin(2000)
				runtime.Gosched() // let a competitor run into the held lock
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return count
}

func rwmutex(readers, iters int) int {
	var mu sync.RWMutex
	var wg sync.WaitGroup
	value := 0
	reads := make([]int, readers)
	for r := 0; r < readers; r++ {
		wg.Add(1)
		go func(r int) {
			defer wg.Done()
			for i := 0; i < iters; i++ {
				mu.RLock()
				reads[r] += value
				spin(1000)
				runtime.Gosched()
				mu.RUnlock()
			}
		}(r)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < iters; i++ {
			mu.Lock()
			value++
			spin(1000)
			mu.Unlock()
			runtime.Gosched()
		}
	}()
	wg.Wait()
	return value
}

// queue hands items from one producer to several consumers with a sync.Cond.
func queue(consumers, items int) int {
	var mu sync.Mutex
	cond := sync.NewCond(&mu)
	var q []int
	closed := false
	var wg sync.WaitGroup
	sums := make([]int, consumers)
	for c := 0; c < consumers; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			mu.Lock()
			defer mu.Unlock()
			for {
				for len(q) == 0 && !closed {
					cond.Wait()
				}
				if len(q) == 0 {
					return
				}
				sums[c] += q[0]
				q = q[1:]
			}
		}(c)
	}
	for i := 1; i <= items; i++ {
		mu.Lock()
		q = append(q, i)
		mu.Unlock()
		if i%5 == 0 {
			cond.Broadcast()
			runtime.Gosched()
		} else {
			cond.Signal()
		}
	}
	mu.Lock()
	closed = true
	mu.Unlock()
	cond.Broadcast()
	wg.Wait()
	total := 0
	for _, s := range sums {
		total += s
	}
	return total
}

func main() {
	tracemain.Run(func() {
		tracemain.Check(mutex(4, 60) == 240, "mutex count")
		tracemain.Check(rwmutex(3, 50) == 50, "rwmutex value")
		tracemain.Check(queue(3, 200) == 20100, "cond queue total")
	})
}

// channels exercises channel blocking and wake-ups: an unbuffered ping-pong,
// a buffered three-stage pipeline, select over several channels, and a close
// that wakes a group of waiting receivers at once.
package main

import (
	"sync"

	"tracecorpus/internal/tracemain"
)

func pingPong(rounds int) int {
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
		close(pong)
	}()
	v := 0
	for i := 0; i < rounds; i++ {
		ping <- v
		v = <-pong
	}
	close(ping)
	<-pong
	return v
}

func pipeline(n int) int {
	src := make(chan int, 4)
	sq := make(chan int, 4)
	go func() {
		for i := 0; i < n; i++ {
			src <- i
		}
		close(src)
	}()
	go func() {
		for v := range src {
			sq <- v * v
		}
		close(sq)
	}()
	sum := 0
	for v := range sq {
		sum += v
	}
	return sum
}

func selects(n int) (int, int) {
	a, b := make(chan int), make(chan int)
	done := make(chan struct{})
	go func() {
		for i := 0; i < n; i++ {
			if i%2 == 0 {
				a <- i
			} else {
				b <- i
			}
		}
		close(done)
	}()
	fromA, fromB := 0, 0
	for {
		select {
		case <-a:
			fromA++
		case <-b:
			fromB++
		case <-done:
			return fromA, fromB
		}
	}
}

func broadcast(waiters int) int {
	gate := make(chan struct{})
	woken := make(chan int, waiters)
	var ready sync.WaitGroup
	for i := 0; i < waiters; i++ {
		ready.Add(1)
		go func(i int) {
			ready.Done()
			<-gate
			woken <- i
		}(i)
	}
	ready.Wait()
	close(gate)
	total := 0
	for i := 0; i < waiters; i++ {
		total += <-woken
	}
	return total
}

func main() {
	tracemain.Run(func() {
		tracemain.Check(pingPong(300) == 300, "ping-pong")
		tracemain.Check(pipeline(500) == 41541750, "pipeline")
		a, b := selects(200)
		tracemain.Check(a == 100 && b == 100, "select: %d %d", a, b)
		tracemain.Check(broadcast(16) == 120, "broadcast")
	})
}

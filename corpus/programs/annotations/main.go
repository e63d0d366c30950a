// corpus: env GODEBUG=traceadvanceperiod=10000000

// annotations uses the runtime/trace user annotation API: tasks (nested and
// ended on another goroutine), regions (WithRegion and StartRegion, nested),
// and logs with and without categories. It runs with
// GODEBUG=traceadvanceperiod=10000000 (10ms) and sleeps inside the root task
// and inside regions, so tasks and regions begin in one generation and end
// in a later one.
package main

import (
	"context"
	"fmt"
	"runtime/trace"
	"sync"
	"time"

	"tracecorpus/internal/tracemain"
)

func step(ctx context.Context, name string, n int) int {
	total := 0
	trace.WithRegion(ctx, name, func() {
		for i := 0; i < n; i++ {
			total += i
		}
		trace.Logf(ctx, "step", "%s summed %d values", name, n)
	})
	return total
}

func main() {
	tracemain.Run(func() {
		tracemain.Check(trace.IsEnabled(), "tracing is not enabled")
		ctx, root := trace.NewTask(context.Background(), "root")
		trace.Log(ctx, "", "message without a category")
		trace.Log(ctx, "phase", "start")

		var wg sync.WaitGroup
		totals := make([]int, 4)
		for i := range totals {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				cctx, child := trace.NewTask(ctx, fmt.Sprintf("child-%d", i))
				defer child.End()
				r := trace.StartRegion(cctx, "outer")
				totals[i] = step(cctx, "inner-a", 100*(i+1))
				totals[i] += step(cctx, "inner-b", 10)
				trace.WithRegion(cctx, "sleep", func() {
					time.Sleep(time.Duration(4*(i+1)) * time.Millisecond)
				})
				r.End()

				// A grandchild task ended by another goroutine.
				gctx, grandchild := trace.NewTask(cctx, "grandchild")
				done := make(chan struct{})
				go func() {
					trace.Log(gctx, "owner", "ending a task started elsewhere")
					grandchild.End()
					close(done)
				}()
				<-done
			}(i)
		}
		wg.Wait()
		time.Sleep(12 * time.Millisecond)

		// A region outside any task, and a log with the background context.
		trace.WithRegion(context.Background(), "no-task", func() {
			trace.Log(context.Background(), "background", "no task")
		})
		trace.Log(ctx, "phase", "end")
		root.End()

		tracemain.Check(totals[0]+totals[1]+totals[2]+totals[3] == 4950+19900+44850+79800+4*45, "totals %v", totals)
	})
}

// cgo-callback calls into Go from C. Some calls come from threads that C
// created with pthread_create, which the runtime has never seen: each such
// callback borrows an extra M and shows up in the trace as GoCreateSyscall
// ... GoDestroySyscall. Others are ordinary Go -> C -> Go round trips on a
// Go-created thread (syscall-like enter/exit events around the C call).
//
// make-corpus.sh builds this program with CGO_ENABLED=1 and skips it, with a
// message, when cgo cannot build on the machine.
package main

/*
#cgo LDFLAGS: -lpthread
#include <pthread.h>
#include <stdint.h>

extern void goCallback(int);

static void* worker(void* arg) {
	int id = (int)(intptr_t)arg;
	for (int i = 0; i < 16; i++) {
		goCallback(id * 100 + i);
	}
	return 0;
}

// runThreads starts n C threads that call back into Go and waits for them.
static int runThreads(int n) {
	pthread_t threads[8];
	if (n > 8) n = 8;
	for (int i = 0; i < n; i++) {
		if (pthread_create(&threads[i], 0, worker, (void*)(intptr_t)(i + 1)) != 0) {
			return -1;
		}
	}
	for (int i = 0; i < n; i++) {
		pthread_join(threads[i], 0);
	}
	return n;
}

// callBack calls back into Go on the calling (Go-created) thread.
static void callBack(int v) {
	goCallback(v);
}
*/
import "C"

import (
	"sync"

	"tracecorpus/internal/tracemain"
)

var (
	mu    sync.Mutex
	calls int
	total int
)

//export goCallback
func goCallback(v C.int) {
	mu.Lock()
	calls++
	total += int(v)
	mu.Unlock()
}

func main() {
	tracemain.Run(func() {
		// Sequential threads first, then two at once.
		for i := 0; i < 2; i++ {
			if C.runThreads(1) < 0 {
				tracemain.Fail(errPthread)
			}
		}
		if C.runThreads(2) < 0 {
			tracemain.Fail(errPthread)
		}
		for i := 0; i < 4; i++ {
			C.callBack(C.int(i))
		}
		mu.Lock()
		defer mu.Unlock()
		// 64 callbacks from C threads (ids 1, 1, 1, 2) plus 4 from Go.
		tracemain.Check(calls == 68, "calls = %d, want 68", calls)
		tracemain.Check(total == 16*(100+100+100+200)+4*120+6, "total = %d", total)
	})
}

type pthreadError struct{}

func (pthreadError) Error() string { return "pthread_create failed" }

var errPthread error = pthreadError{}

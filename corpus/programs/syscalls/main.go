// corpus: env GODEBUG=traceadvanceperiod=10000000

// syscalls makes system calls that return quickly (file writes and reads)
// and ones that block (a read on a raw pipe whose writer is slow), so that
// the trace contains syscall begin/end pairs, blocked syscalls, and Ps taken
// away from threads stuck in a syscall. It runs with
// GODEBUG=traceadvanceperiod=10000000 (10ms), so that generation boundaries
// fall while goroutines are in, or blocked in, system calls.
package main

import (
	"bytes"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"tracecorpus/internal/tracemain"
)

// files writes a file in chunks, syncs it, reads it back and removes it.
func files() {
	dir, err := os.MkdirTemp("", "trace-corpus-syscalls-")
	if err != nil {
		tracemain.Fail(err)
	}
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "data")
	f, err := os.Create(name)
	if err != nil {
		tracemain.Fail(err)
	}
	chunk := bytes.Repeat([]byte("0123456789abcdef"), 256) // 4 KiB
	for i := 0; i < 16; i++ {
		if _, err := f.Write(chunk); err != nil {
			tracemain.Fail(err)
		}
	}
	if err := f.Sync(); err != nil {
		tracemain.Fail(err)
	}
	if err := f.Close(); err != nil {
		tracemain.Fail(err)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		tracemain.Fail(err)
	}
	tracemain.Check(len(data) == 16*len(chunk), "read back %d bytes", len(data))
}

// rawPipe uses blocking file descriptors (not the network poller), so the
// reader sits in read(2) until the writer, which sleeps first, writes.
func rawPipe(rounds int) {
	var fds [2]int
	if err := syscall.Pipe(fds[:]); err != nil {
		tracemain.Fail(err)
	}
	defer syscall.Close(fds[0])
	defer syscall.Close(fds[1])
	done := make(chan int)
	go func() {
		buf := make([]byte, 8)
		total := 0
		for total < rounds {
			n, err := syscall.Read(fds[0], buf)
			if err != nil {
				tracemain.Fail(err)
			}
			total += n
		}
		done <- total
	}()
	for i := 0; i < rounds; i++ {
		time.Sleep(2 * time.Millisecond)
		if _, err := syscall.Write(fds[1], []byte{byte(i)}); err != nil {
			tracemain.Fail(err)
		}
	}
	tracemain.Check(<-done == rounds, "raw pipe")
}

// osPipe uses os.Pipe, whose ends go through the network poller: the reader
// parks instead of blocking in the kernel.
func osPipe(rounds int) {
	r, w, err := os.Pipe()
	if err != nil {
		tracemain.Fail(err)
	}
	done := make(chan int)
	go func() {
		buf := make([]byte, 64)
		total := 0
		for {
			n, err := r.Read(buf)
			total += n
			if err != nil {
				break
			}
		}
		r.Close()
		done <- total
	}()
	for i := 0; i < rounds; i++ {
		if _, err := w.Write([]byte("ping\n")); err != nil {
			tracemain.Fail(err)
		}
		time.Sleep(time.Millisecond)
	}
	w.Close()
	tracemain.Check(<-done == 5*rounds, "os pipe")
}

func main() {
	tracemain.Run(func() {
		files()
		rawPipe(16)
		osPipe(16)
	})
}

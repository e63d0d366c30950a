// The trace-harness pipe testee: Go's own trace parser behind the framed protocol of
// harness/src/conform/pipe.rs. trace-harness overlays this file, and the file for the
// release (parse_go122_test.go or parse_test.go), onto a GOROOT's trace parser package
// and builds its test binary, so it runs against exactly that release's parser without
// writing to GOROOT.
//
// Run the binary with HARNESS_TESTEE_SERVE=1 and -test.run=^TestHarnessTesteeServe$: it
// then answers one framed response per framed request on stdin until stdin closes.
//
// With HARNESS_TESTEE_PARSE_FILE=PATH and -test.run=^TestHarnessTesteeParseOnly$ it
// instead parses PATH HARNESS_TESTEE_PARSE_RUNS times (default 1) without formatting,
// printing `events N elapsed_ns T cpu_ns C` per run: Go's parser cost alone, for benchmarks.

package trace_test

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// Largest request accepted; a longer length prefix means the stream is out of step.
const maxRequest = 1 << 30

// Response status bytes.
const (
	statusAccepted = 0
	statusRejected = 1
	statusPanicked = 2
)

func TestHarnessTesteeServe(t *testing.T) {
	if os.Getenv("HARNESS_TESTEE_SERVE") != "1" {
		t.Skip("set HARNESS_TESTEE_SERVE=1 to serve the pipe protocol on stdin/stdout")
	}
	in := bufio.NewReaderSize(os.Stdin, 1<<16)
	out := bufio.NewWriterSize(os.Stdout, 1<<16)
	for {
		var lenBuf [4]byte
		if _, err := io.ReadFull(in, lenBuf[:]); err != nil {
			// A clean end of input ends the session; a partial length prefix is an error.
			// syscall.Exit, since the testing package turns os.Exit(0) in a test into a
			// failure that would print after the last response.
			if err == io.EOF {
				syscall.Exit(0)
			}
			fmt.Fprintf(os.Stderr, "reading request length: %v\n", err)
			os.Exit(3)
		}
		n := binary.LittleEndian.Uint32(lenBuf[:])
		if n > maxRequest {
			fmt.Fprintf(os.Stderr, "request of %d bytes exceeds %d\n", n, maxRequest)
			os.Exit(3)
		}
		data := make([]byte, n)
		if _, err := io.ReadFull(in, data); err != nil {
			fmt.Fprintf(os.Stderr, "reading request: %v\n", err)
			os.Exit(3)
		}
		status, events, errText := answer(data)
		writeResponse(out, status, events, errText)
		if err := out.Flush(); err != nil {
			os.Exit(3)
		}
	}
}

// answer parses one trace the way the trace tool's parsed-event dump does, turning a
// panic of the parser or of Event.String into status 2 with the events printed before it.
func answer(data []byte) (status byte, events []byte, errText string) {
	var buf bytes.Buffer
	defer func() {
		if p := recover(); p != nil {
			status, events, errText = statusPanicked, buf.Bytes(), fmt.Sprintf("panic: %v\n", p)
		}
	}()
	if err := dumpParsed(data, &buf); err != nil {
		// The tool prints the error and a newline to stderr.
		return statusRejected, buf.Bytes(), err.Error() + "\n"
	}
	return statusAccepted, buf.Bytes(), ""
}

func writeResponse(w *bufio.Writer, status byte, events []byte, errText string) {
	var lenBuf [4]byte
	w.WriteByte(status)
	binary.LittleEndian.PutUint32(lenBuf[:], uint32(len(events)))
	w.Write(lenBuf[:])
	w.Write(events)
	binary.LittleEndian.PutUint32(lenBuf[:], uint32(len(errText)))
	w.Write(lenBuf[:])
	w.WriteString(errText)
}

func TestHarnessTesteeParseOnly(t *testing.T) {
	path := os.Getenv("HARNESS_TESTEE_PARSE_FILE")
	if path == "" {
		t.Skip("set HARNESS_TESTEE_PARSE_FILE to time a parse of that file")
	}
	runs := 1
	if s := os.Getenv("HARNESS_TESTEE_PARSE_RUNS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "bad HARNESS_TESTEE_PARSE_RUNS: %q\n", s)
			os.Exit(3)
		}
		runs = n
	}
	for i := 0; i < runs; i++ {
		f, err := os.Open(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		cpuStart := processCPU()
		start := time.Now()
		n, err := countEvents(bufio.NewReaderSize(f, 1<<16))
		elapsed := time.Since(start)
		cpu := processCPU() - cpuStart
		f.Close()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("events %d elapsed_ns %d cpu_ns %d\n", n, elapsed.Nanoseconds(), cpu.Nanoseconds())
	}
	syscall.Exit(0)
}

// processCPU is the CPU time (user + system) of the whole process so far, the collector's
// threads included, so that a run's cost counts its garbage collection too.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

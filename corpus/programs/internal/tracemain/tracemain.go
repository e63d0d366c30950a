// Package tracemain is the shared entry point of the corpus programs.
//
// Every program is a `package main` whose only argument is the path of the
// trace to write. Run creates that file, starts runtime/trace on it, runs the
// program's body, stops the tracer and closes the file. Any failure exits
// non-zero so that scripts/make-corpus.sh notices it.
package tracemain

import (
	"fmt"
	"os"
	"runtime/trace"
)

// Run traces one call of body into the file named by os.Args[1].
func Run(body func()) {
	if len(os.Args) != 2 {
		fmt.Fprintf(os.Stderr, "usage: %s OUT.trace\n", os.Args[0])
		os.Exit(2)
	}
	f, err := os.Create(os.Args[1])
	if err != nil {
		Fail(err)
	}
	if err := trace.Start(f); err != nil {
		Fail(err)
	}
	body()
	trace.Stop()
	if err := f.Close(); err != nil {
		Fail(err)
	}
}

// Fail reports err and exits with status 1.
func Fail(err error) {
	fmt.Fprintf(os.Stderr, "%s: %v\n", os.Args[0], err)
	os.Exit(1)
}

// Check fails the program with msg when ok is false. The programs use it to
// assert that their deterministic work produced the expected result.
func Check(ok bool, format string, args ...any) {
	if !ok {
		Fail(fmt.Errorf(format, args...))
	}
}

// Go 1.22: the trace tool sends a file whose header is not a go 1.22+ one to the old
// parser (and its "failed to parse trace" message), the rest to the v2 parser's
// parsed-event dump.

package trace_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"

	oldtrace "internal/trace"
	"internal/trace/v2"
)

func dumpParsed(data []byte, out *bytes.Buffer) error {
	if ver, _, err := oldtrace.ReadVersion(bytes.NewReader(data)); err != nil || ver < 1022 {
		res, err := oldtrace.Parse(bufio.NewReader(bytes.NewReader(data)), "")
		if err != nil {
			return fmt.Errorf("failed to parse trace: %v", err)
		}
		for _, ev := range res.Events {
			fmt.Fprintf(out, "%s\n", ev)
		}
		return nil
	}
	r, err := trace.NewReader(bytes.NewReader(data))
	if err != nil {
		return err
	}
	for {
		ev, err := r.ReadEvent()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		out.WriteString(ev.String())
		out.WriteByte('\n')
	}
}

// countEvents parses a whole go 1.22+ trace from r without formatting anything: the
// parser's own cost, for `trace-harness bench`.
func countEvents(r io.Reader) (int, error) {
	tr, err := trace.NewReader(r)
	if err != nil {
		return 0, err
	}
	n := 0
	for {
		_, err := tr.ReadEvent()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}

// Go 1.23 and later: the trace tool's parsed-event dump (cmd/trace debugProcessedEvents).

package trace_test

import (
	"bytes"
	"io"

	"internal/trace"
)

func dumpParsed(data []byte, out *bytes.Buffer) error {
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

// countEvents parses a whole trace from r without formatting anything: the parser's own
// cost, for `trace-harness bench`.
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

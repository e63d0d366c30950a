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

package bgpwire

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/govrrpd/govrrpd/bgp"
	"github.com/govrrpd/govrrpd/internal/status"
)

// Version is the protocol's. The helper says it first; govrrpd refuses a
// helper of another version (one left from an older install) rather than
// misread it.
const Version = 1

// MaxLine bounds one message: a status of many sessions and prefixes fits
// with room to spare, and a runaway peer cannot make the reader grow
// without end.
const MaxLine = 16 << 20

// Kind says what a message is.
type Kind string

const (
	// Hello is the helper's first message (helper → govrrpd).
	Hello Kind = "hello"
	// Config starts or reloads the speaker with Config; answered by Result.
	Config Kind = "config"
	// State carries the conditions' inputs, or Err when they could not be
	// read (announcements then stay as they are). Not answered.
	State Kind = "state"
	// Status asks for the speaker's status; the answer is a Status
	// message with the same id and Status (or Err) set.
	Status Kind = "status"
	// Stop withdraws, waits for the peers and stops; answered by Done,
	// after which the helper exits.
	Stop Kind = "stop"
	// Result answers Config: Err is empty when the settings run.
	Result Kind = "result"
	// Done answers Stop.
	Done Kind = "done"
	// Log is one of the helper's log records.
	Log Kind = "log"
)

// Msg is one line of the protocol. Which fields are set depends on Kind.
type Msg struct {
	V      int         `json:"v"`
	Kind   Kind        `json:"kind"`
	ID     uint64      `json:"id,omitempty"`
	Config *bgp.Config `json:"config,omitempty"`
	State  *bgp.State  `json:"state,omitempty"`
	Status *status.BGP `json:"status,omitempty"`
	Log    *Record     `json:"log,omitempty"`
	Err    string      `json:"err,omitempty"`
}

// ErrVersion is Decode's error for a message of another protocol version.
var ErrVersion = errors.New("bgp helper protocol version mismatch")

// Decode reads one line. A message that is not valid for its kind is an
// error naming what is wrong; one of another version returns ErrVersion
// with the Msg's V set, so that the caller can say which.
func Decode(line []byte) (Msg, error) {
	var m Msg
	if err := json.Unmarshal(line, &m); err != nil {
		return Msg{}, fmt.Errorf("bgp helper message: %w", err)
	}
	if m.V != Version {
		return Msg{V: m.V}, fmt.Errorf("%w: version %d, want %d", ErrVersion, m.V, Version)
	}
	if err := m.check(); err != nil {
		return Msg{}, fmt.Errorf("bgp helper message %q: %w", m.Kind, err)
	}
	return m, nil
}

func (m Msg) check() error {
	switch m.Kind {
	case Hello:
		return nil
	case Config:
		if m.Config == nil {
			return errors.New("no config")
		}
	case State:
		if m.State == nil && m.Err == "" {
			return errors.New("neither state nor error")
		}
		return nil
	case Log:
		if m.Log == nil {
			return errors.New("no record")
		}
		return nil
	case Status, Stop, Result, Done:
	default:
		return errors.New("unknown kind")
	}
	if m.ID == 0 {
		return errors.New("no id")
	}
	return nil
}

// Writer sends messages; it is safe for concurrent use.
type Writer struct {
	mu  sync.Mutex
	w   io.Writer
	buf bytes.Buffer
}

// NewWriter returns a Writer on w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Send writes m as one line, with the protocol version set.
func (w *Writer) Send(m Msg) error {
	m.V = Version
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Reset()
	if err := json.NewEncoder(&w.buf).Encode(m); err != nil { // Encode ends the line
		return fmt.Errorf("bgp helper message %q: %w", m.Kind, err)
	}
	if _, err := w.w.Write(w.buf.Bytes()); err != nil {
		return fmt.Errorf("bgp helper message %q: %w", m.Kind, err)
	}
	return nil
}

// ErrPipe is Next's error when the pipe can no longer be read (a line
// over MaxLine, a read error): nothing more will come.
var ErrPipe = errors.New("bgp helper pipe broken")

// Reader receives messages.
type Reader struct{ s *bufio.Scanner }

// NewReader returns a Reader on r.
func NewReader(r io.Reader) *Reader {
	s := bufio.NewScanner(r)
	s.Buffer(make([]byte, 0, 64<<10), MaxLine)
	return &Reader{s: s}
}

// Next returns the next message. io.EOF means the other side closed its
// end; a malformed line is an error and the next call reads on.
func (r *Reader) Next() (Msg, error) {
	if !r.s.Scan() {
		if err := r.s.Err(); err != nil {
			return Msg{}, fmt.Errorf("%w: %w", ErrPipe, err)
		}
		return Msg{}, io.EOF
	}
	return Decode(r.s.Bytes())
}

package checkwire

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
)

// Version is the protocol's; a helper of another version is refused.
const Version = 1

// MaxFrame bounds a frame's type and payload: an Add carries a checker's
// settings (its url blocks), far below it.
const MaxFrame = 1 << 20

// Type is a frame's kind.
type Type uint8

//go:generate go run golang.org/x/tools/cmd/stringer@v0.53.0 -type=Type -output=type_string.go

const (
	Hello  Type = iota + 1 // helper → govrrpd, first: its Version
	Add                    // govrrpd → helper: a checker's id and settings
	Added                  // helper → govrrpd: the checker's id and why it was refused ("" if not)
	Drop                   // govrrpd → helper: forget a checker
	Probe                  // govrrpd → helper: run an attempt
	Result                 // helper → govrrpd: an attempt's outcome
)

// ErrFrame is a frame that breaks the framing: too long, or empty.
var ErrFrame = errors.New("checkwire: bad frame")

// Writer sends frames; Send may be called from any goroutine.
type Writer struct {
	mu  sync.Mutex
	w   io.Writer
	buf []byte
}

// NewWriter sends on w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Send writes one frame of type t with payload p in one write, so frames
// of concurrent senders never interleave.
func (w *Writer) Send(t Type, p []byte) error {
	if len(p)+1 > MaxFrame {
		return fmt.Errorf("%w: %s of %d bytes", ErrFrame, t, len(p))
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = binary.BigEndian.AppendUint32(w.buf[:0], uint32(len(p)+1))
	w.buf = append(append(w.buf, byte(t)), p...)
	if _, err := w.w.Write(w.buf); err != nil {
		return fmt.Errorf("checkwire: send %s: %w", t, err)
	}
	return nil
}

// Reader reads frames from one goroutine.
type Reader struct {
	r   *bufio.Reader
	buf []byte
}

// NewReader reads from r.
func NewReader(r io.Reader) *Reader { return &Reader{r: bufio.NewReader(r)} }

// Next returns the next frame; its payload is valid until the next call.
// A clean end between frames is io.EOF; one inside a frame is
// io.ErrUnexpectedEOF.
func (r *Reader) Next() (Type, []byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r.r, hdr[:]); err != nil {
		return 0, nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n == 0 || n > MaxFrame {
		return 0, nil, fmt.Errorf("%w: length %d", ErrFrame, n)
	}
	if cap(r.buf) < int(n) {
		r.buf = make([]byte, n)
	}
	b := r.buf[:n]
	if _, err := io.ReadFull(r.r, b); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return 0, nil, err
	}
	return Type(b[0]), b[1:], nil
}

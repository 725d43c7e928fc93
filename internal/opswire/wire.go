package opswire

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/govrrpd/govrrpd/internal/bgpwire"
	"github.com/govrrpd/govrrpd/internal/livefollow"
	"github.com/govrrpd/govrrpd/internal/status"
)

// Version is the protocol version; a message of another version is
// refused (ErrVersion) so that a govrrpd-ops of another release is named
// as such instead of misread.
const Version = 1

// Frame size limits. A helper's message is a request of a few names or a
// log record; the daemon's answers include whole snapshots and metrics
// pages, 2–5 MB at 4,080 instances.
const (
	MaxFromHelper = 1 << 20
	MaxFromDaemon = 128 << 20
)

//go:generate go run golang.org/x/tools/cmd/stringer@v0.53.0 -type=Kind -trimprefix=Kind -output=kind_string.go

// Kind is what a message is.
type Kind uint8

const (
	KindInvalid Kind = iota
	// KindHello is the helper's first message: its release.
	KindHello
	// KindSetup is the daemon's answer to the hello.
	KindSetup
	// KindSnapshot .. KindSample are the helper's requests; the daemon
	// answers each with a KindResult of the same ID.
	KindSnapshot
	KindDrain
	KindMaintenance
	KindReload
	KindPlan
	KindMetrics
	KindSample
	// KindResult answers a request.
	KindResult
	// KindLog is a log record of the helper.
	KindLog
	kindEnd
)

// Error classes: how an error's kind survives the wire.
const (
	ClassNotFound = "not_found"
	ClassInvalid  = "invalid"
	ClassDeadline = "deadline"
)

// Msg is one message. Which fields are set depends on Kind.
type Msg struct {
	V    int    `json:"v"`
	Kind Kind   `json:"k"`
	ID   uint64 `json:"id,omitempty"`

	Release string `json:"release,omitempty"` // KindHello
	Setup   *Setup `json:"setup,omitempty"`   // KindSetup

	// Request arguments.
	VS       string `json:"vs,omitempty"`
	RS       string `json:"rs,omitempty"`
	Instance string `json:"instance,omitempty"`
	File     string `json:"file,omitempty"`
	On       bool   `json:"on,omitempty"`

	// Answers: Err (with Class) or one of the rest.
	Err    string                    `json:"err,omitempty"`
	Class  string                    `json:"class,omitempty"`
	Daemon *status.Daemon            `json:"daemon,omitempty"`
	Reload *status.Reload            `json:"reload,omitempty"`
	Plan   *status.Plan              `json:"plan,omitempty"`
	Page   []byte                    `json:"page,omitempty"`
	Rows   map[string]livefollow.Row `json:"rows,omitempty"`
	Trans  []livefollow.Transition   `json:"trans,omitempty"`

	Log *bgpwire.Record `json:"log,omitempty"` // KindLog
}

// Setup is what the helper serves with. Listeners come as files 4, 5, …
// in the order of Listeners.
type Setup struct {
	// Listeners names each inherited listener: "socket" (the control
	// socket: the API and /metrics, every peer may write) or "tcp"
	// (--http-listen: /metrics, the API with the token, the console).
	Listeners []string `json:"listeners"`
	Token     []byte   `json:"token,omitempty"`
	TLSCert   string   `json:"tls_cert,omitempty"`
	TLSKey    string   `json:"tls_key,omitempty"`
	// The console: --http-allow-edit and how the daemon reads its file.
	ConfigFile  string `json:"config_file,omitempty"`
	AllowEdit   bool   `json:"allow_edit,omitempty"`
	ConfigID    string `json:"config_id,omitempty"`
	AllConfig   bool   `json:"all_config,omitempty"`
	InNamespace bool   `json:"in_namespace,omitempty"`
	// IdleNanos is how long the helper serves without an open connection
	// before it exits.
	IdleNanos int64 `json:"idle_ns"`
	// TimeoutNanos bounds one backend call, as control.Options.Timeout.
	TimeoutNanos int64 `json:"timeout_ns,omitempty"`
	// LogLevel is the daemon's: the helper sends only what would be logged.
	LogLevel int `json:"log_level"`
}

// ErrVersion marks a message of another protocol version.
var ErrVersion = errors.New("protocol version mismatch")

// ErrFrame marks a frame that cannot be read: too long, cut short. The
// stream is then out of step and must be closed.
var ErrFrame = errors.New("bad frame")

// Decode reads one message's JSON and checks it.
func Decode(b []byte) (Msg, error) {
	var m Msg
	if err := json.Unmarshal(b, &m); err != nil {
		return Msg{}, fmt.Errorf("ops helper message: %w", err)
	}
	if m.V != Version {
		return m, fmt.Errorf("ops helper message: %w: %d, want %d", ErrVersion, m.V, Version)
	}
	if err := m.check(); err != nil {
		return Msg{}, fmt.Errorf("ops helper message %v: %w", m.Kind, err)
	}
	return m, nil
}

func (m Msg) check() error {
	switch {
	case m.Kind == KindInvalid || m.Kind >= kindEnd:
		return errors.New("unknown kind")
	case m.Kind == KindSetup && m.Setup == nil:
		return errors.New("no setup")
	case m.Kind == KindLog && m.Log == nil:
		return errors.New("no record")
	case m.Kind == KindHello && m.Release == "":
		return errors.New("no release")
	case m.Kind >= KindSnapshot && m.Kind <= KindResult && m.ID == 0:
		return errors.New("no id")
	}
	return nil
}

// FromHelper says whether a helper may send kind.
func FromHelper(k Kind) bool {
	return k == KindHello || k == KindLog || (k >= KindSnapshot && k <= KindSample)
}

// Writer sends messages; it is safe for concurrent use.
type Writer struct {
	mu  sync.Mutex
	w   io.Writer
	buf bytes.Buffer
}

// NewWriter returns a Writer on w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Send writes m as one frame, with the protocol version set.
func (w *Writer) Send(m Msg) error {
	m.V = Version
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Reset()
	w.buf.Write([]byte{0, 0, 0, 0})
	if err := json.NewEncoder(&w.buf).Encode(m); err != nil {
		return fmt.Errorf("ops helper message %v: %w", m.Kind, err)
	}
	b := w.buf.Bytes()
	binary.BigEndian.PutUint32(b, uint32(len(b)-4))
	if _, err := w.w.Write(b); err != nil {
		return fmt.Errorf("ops helper message %v: %w", m.Kind, err)
	}
	return nil
}

// Reader receives messages of at most max bytes each.
type Reader struct {
	r   io.Reader
	max int
	buf []byte
}

// NewReader returns a Reader on r.
func NewReader(r io.Reader, max int) *Reader { return &Reader{r: r, max: max} }

// Next returns the next message. io.EOF means the other side closed its
// end; an error wrapping ErrFrame means the stream is broken; any other
// error is a malformed message.
func (r *Reader) Next() (Msg, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r.r, hdr[:]); err != nil {
		if errors.Is(err, io.EOF) {
			return Msg{}, io.EOF
		}
		return Msg{}, fmt.Errorf("%w: %w", ErrFrame, err)
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if int64(n) > int64(r.max) {
		return Msg{}, fmt.Errorf("%w: %d bytes, at most %d", ErrFrame, n, r.max)
	}
	if cap(r.buf) < int(n) || cap(r.buf) > 1<<20 {
		r.buf = make([]byte, n)
	}
	b := r.buf[:n]
	if _, err := io.ReadFull(r.r, b); err != nil {
		return Msg{}, fmt.Errorf("%w: %w", ErrFrame, err)
	}
	return Decode(b)
}

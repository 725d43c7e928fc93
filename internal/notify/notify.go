package notify

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/govrrpd/govrrpd/internal/scriptexec"
	"github.com/govrrpd/govrrpd/script"
)

// Event is one notification.
type Event struct {
	Kind     string // INSTANCE or GROUP
	Name     string
	State    string // MASTER BACKUP FAULT STOP DELETED MASTER_RX_LOWER_PRI MASTER_PRIORITY BACKUP_PRIORITY
	Priority int
	// Specific is the state-specific script (notify_master, ...), run with
	// its configured argv only.
	Specific script.Spec
	// Generic is the `notify` script, run with KIND NAME STATE PRIO appended.
	Generic script.Spec
}

// FIFOLine is the line keepalived writes to a notify FIFO.
func (e Event) FIFOLine() string {
	return fmt.Sprintf("%s %q %s %d\n", e.Kind, e.Name, e.State, e.Priority)
}

// Notifier is the ordered queue.
type Notifier struct {
	runner  *scriptexec.Runner
	fifos   []string
	timeout time.Duration
	log     *slog.Logger

	mu     sync.Mutex
	queue  []Event
	wake   chan struct{}
	closed bool
	done   chan struct{}
	// Delivered counts events fully handled, for tests and metrics.
	delivered int
}

// New starts a notifier. fifos are notify_fifo / vrrp_notify_fifo paths
// (created if missing). timeout bounds one script run so that a hung
// script delays, but never blocks, the queue.
func New(runner *scriptexec.Runner, fifos []string, timeout time.Duration, log *slog.Logger) *Notifier {
	n := &Notifier{runner: runner, timeout: timeout, log: log, wake: make(chan struct{}, 1), done: make(chan struct{})}
	for _, f := range fifos {
		if f == "" {
			continue
		}
		if err := ensureFIFO(f); err != nil {
			log.Error("notify fifo", "path", f, "err", err)
			continue
		}
		n.fifos = append(n.fifos, f)
	}
	go n.loop()
	return n
}

func ensureFIFO(path string) error {
	fi, err := os.Stat(path)
	if err == nil {
		if fi.Mode()&os.ModeNamedPipe == 0 {
			return fmt.Errorf("%s exists and is not a FIFO", path)
		}
		return nil
	}
	return syscall.Mkfifo(path, 0o600)
}

// Post queues an event; it never blocks the caller.
func (n *Notifier) Post(e Event) {
	n.mu.Lock()
	if !n.closed {
		n.queue = append(n.queue, e)
	}
	n.mu.Unlock()
	select {
	case n.wake <- struct{}{}:
	default:
	}
}

// RunScript queues a plain command (notify_up/down, quorum_up/down) behind
// the notifications already queued.
func (n *Notifier) RunScript(s script.Spec) {
	n.Post(Event{Kind: "SCRIPT", Specific: s})
}

// Close delivers what is queued (bounded by each script's timeout) and
// stops.
func (n *Notifier) Close() {
	n.mu.Lock()
	n.closed = true
	n.mu.Unlock()
	select {
	case n.wake <- struct{}{}:
	default:
	}
	<-n.done
}

// Delivered returns how many events have been handled.
func (n *Notifier) Delivered() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.delivered
}

func (n *Notifier) loop() {
	defer close(n.done)
	for {
		n.mu.Lock()
		if len(n.queue) == 0 {
			closed := n.closed
			n.mu.Unlock()
			if closed {
				return
			}
			<-n.wake
			continue
		}
		e := n.queue[0]
		n.queue = n.queue[1:]
		n.mu.Unlock()
		n.deliver(e)
		n.mu.Lock()
		n.delivered++
		n.mu.Unlock()
	}
}

func (n *Notifier) deliver(e Event) {
	if e.Kind != "SCRIPT" {
		line := e.FIFOLine()
		for _, f := range n.fifos {
			n.writeFIFO(f, line)
		}
	}
	if !e.Specific.IsZero() {
		n.run(e, e.Specific)
	}
	if !e.Generic.IsZero() {
		n.run(e, e.Generic, e.Kind, e.Name, e.State, strconv.Itoa(e.Priority))
	}
}

func (n *Notifier) run(e Event, s script.Spec, extra ...string) {
	res := n.runner.Run(context.Background(), s, n.timeout, extra...)
	if res.Err != nil || res.ExitCode != 0 {
		n.log.Warn("notify script failed", "name", e.Name, "state", e.State, "script", s.Raw, "exit", res.ExitCode, "err", res.Err)
	}
}

// writeFIFO writes without blocking when nobody reads the FIFO: an
// unread FIFO must not stall state changes.
func (n *Notifier) writeFIFO(path, line string) {
	f, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		n.log.Debug("notify fifo has no reader", "path", path, "err", err)
		return
	}
	defer f.Close()
	if _, err := f.WriteString(line); err != nil {
		n.log.Warn("notify fifo write", "path", path, "err", err)
	}
}

package notify

import (
	"bufio"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/internal/scriptexec"
	"github.com/govrrpd/govrrpd/script"
)

// Scripts and FIFO lines come out in the order the transitions happened,
// even when an earlier script is slower than a later one.
func TestOrderedDelivery(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "log")
	slow := filepath.Join(dir, "slow.sh")
	os.WriteFile(slow, []byte("#!/bin/sh\nsleep 0.3\necho \"$@\" >> "+log+"\n"), 0o755)
	fast := filepath.Join(dir, "fast.sh")
	os.WriteFile(fast, []byte("#!/bin/sh\necho \"$@\" >> "+log+"\n"), 0o755)
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	// Reader opened first, as keepalived's notify_fifo_script does.
	r, err := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()

	n := New(&scriptexec.Runner{}, []string{fifo}, 5*time.Second, slog.New(slog.NewTextHandler(io.Discard, nil)))
	gen := script.Spec{Raw: fast, Argv: []string{fast}}
	n.Post(Event{Kind: "INSTANCE", Name: "VI_1", State: "BACKUP", Priority: 100, Specific: script.Spec{Raw: slow + " backup", Argv: []string{slow, "backup"}}, Generic: gen})
	n.Post(Event{Kind: "INSTANCE", Name: "VI_1", State: "MASTER", Priority: 100, Specific: script.Spec{Raw: fast + " master", Argv: []string{fast, "master"}}, Generic: gen})
	n.Close()

	b, _ := os.ReadFile(log)
	want := "backup\nINSTANCE VI_1 BACKUP 100\nmaster\nINSTANCE VI_1 MASTER 100\n"
	if string(b) != want {
		t.Fatalf("script order:\n%s\nwant:\n%s", b, want)
	}
	r.SetReadDeadline(time.Now().Add(time.Second))
	var lines []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) == 2 {
			break
		}
	}
	if got := strings.Join(lines, "|"); got != `INSTANCE "VI_1" BACKUP 100|INSTANCE "VI_1" MASTER 100` {
		t.Fatalf("fifo lines %q", got)
	}
}

// A FIFO nobody reads must not block delivery.
func TestUnreadFIFODoesNotBlock(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	n := New(&scriptexec.Runner{}, []string{fifo}, time.Second, slog.New(slog.NewTextHandler(io.Discard, nil)))
	n.Post(Event{Kind: "INSTANCE", Name: "VI_1", State: "MASTER", Priority: 100})
	done := make(chan struct{})
	go func() { n.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		t.Fatal("delivery blocked on an unread FIFO")
	}
	if fi, err := os.Stat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("FIFO not created: %v", err)
	}
	if n.Delivered() != 1 {
		t.Fatalf("delivered %d", n.Delivered())
	}
}

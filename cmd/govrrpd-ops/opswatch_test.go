package main

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer two goroutines can share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestStatusWatch: --watch redraws (clearing the screen each time) until
// the daemon goes away, then exits 1 naming the socket.
func TestStatusWatch(t *testing.T) {
	_, path, stop := serveFake(t)
	defer stop()
	var out, errs lockedBuffer
	rc := make(chan int, 1)
	go func() {
		rc <- statusMain([]string{"--watch", "--interval", "10ms", "--control-socket", path}, &out, &errs)
	}()
	const clear = "\x1b[H\x1b[2J"
	for end := time.Now().Add(30 * time.Second); strings.Count(out.String(), clear) < 3; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("--watch drew %d times in 30 s:\n%s%s", strings.Count(out.String(), clear), out.String(), errs.String())
		}
	}
	if frames := strings.Split(out.String(), clear); !strings.Contains(frames[1], "VI_1") || !strings.Contains(frames[2], "TCP 192.0.2.100:80") {
		t.Errorf("a redraw lacks the tables:\n%q", frames[1])
	}
	stop()
	select {
	case code := <-rc:
		if code != 1 || !strings.Contains(errs.String(), path) {
			t.Errorf("--watch after the daemon left: rc %d, stderr %q (want 1 naming %s)", code, errs.String(), path)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("--watch kept running with no daemon")
	}
}

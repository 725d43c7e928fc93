package opsproc

import (
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/internal/control/controltest"
	"github.com/govrrpd/govrrpd/internal/ctlapi"
	"github.com/govrrpd/govrrpd/internal/daemon"
	"github.com/govrrpd/govrrpd/internal/metrics"
)

// helperBin is the govrrpd-ops TestMain built.
var helperBin string

// release is the version the built helper reports (its default).
const release = "0.1.0-dev"

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "opsproc-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	helperBin = filepath.Join(dir, "govrrpd-ops")
	if out, err := exec.Command("go", "build", "-o", helperBin, "../../cmd/govrrpd-ops").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building govrrpd-ops: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// logBuf is a logger's output, safe to read while it is written.
type logBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// lab is a supervised helper over the fake backend: a socket and a TCP
// listener.
type lab struct {
	p      *Proc
	f      *controltest.Fake
	sock   string
	url    string
	logs   *logBuf
	cancel context.CancelFunc
}

// start supervises helper (the built one unless set) with the options
// edit changes.
func start(t *testing.T, edit func(*Options)) *lab {
	t.Helper()
	sockPath := filepath.Join(t.TempDir(), "run", "c.sock")
	sock, err := ctlapi.ListenSocket(sockPath)
	if err != nil {
		t.Fatal(err)
	}
	tcp, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := controltest.New()
	m := metrics.New(release)
	if err := daemon.RegisterMetrics(m, f.Snapshot); err != nil {
		t.Fatal(err)
	}
	logs := &logBuf{}
	o := Options{Helper: helperBin, Socket: sock, TCP: []net.Listener{tcp}, Backend: f, Metrics: m, Release: release,
		Setup: Options{}.Setup, Backoff: 20 * time.Millisecond, Log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	o.Setup.IdleNanos = int64(time.Minute)
	if edit != nil {
		edit(&o)
	}
	ctx, cancel := context.WithCancel(context.Background())
	l := &lab{p: Start(ctx, o), f: f, sock: sockPath, url: "http://" + tcp.Addr().String(), logs: logs, cancel: cancel}
	t.Cleanup(func() {
		cancel()
		l.p.Wait()
		sock.Close()
		tcp.Close()
	})
	return l
}

// eventually polls cond for up to 10 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// fakeHelper is a shell script that sends the frames of payloads on its
// socket (file 3) and then waits to be stopped.
func fakeHelper(t *testing.T, payloads ...[]byte) string {
	t.Helper()
	dir := t.TempDir()
	var frames []byte
	for _, p := range payloads {
		frames = binary.BigEndian.AppendUint32(frames, uint32(len(p)))
		frames = append(frames, p...)
	}
	data := filepath.Join(dir, "frames")
	if err := os.WriteFile(data, frames, 0o600); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "helper")
	body := fmt.Sprintf("#!/bin/sh\ncat %s >&3\nexec sleep 30\n", data)
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	return script
}

// procState is pid's state letter in /proc (R, S, T, Z, ...); "" when
// it is gone.
func procState(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// alive says whether pid names a process that has not been reaped.
func alive(pid int) bool {
	st := procState(pid)
	return st != "" && st != "Z"
}

// frameOf is p with its length prefix.
func frameOf(p []byte) []byte {
	return append(binary.BigEndian.AppendUint32(nil, uint32(len(p))), p...)
}

// fakeHelperRaw is a helper script sending raw bytes on its socket.
func fakeHelperRaw(t *testing.T, raw []byte) string {
	t.Helper()
	dir := t.TempDir()
	data := filepath.Join(dir, "raw")
	if err := os.WriteFile(data, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "helper")
	if err := os.WriteFile(script, []byte(fmt.Sprintf("#!/bin/sh\ncat %s >&3\nexec sleep 30\n", data)), 0o755); err != nil {
		t.Fatal(err)
	}
	return script
}

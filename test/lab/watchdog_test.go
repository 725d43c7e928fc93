package lab_test

import (
	"net"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// dist/govrrpd.service sets WatchdogSec=: the daemon must ping WATCHDOG=1
// at half the interval systemd passes, from its running loop, and stop
// pinging when the process is stopped (what a wedged loop looks like to
// systemd).
func TestSystemdWatchdog(t *testing.T) {
	r := newRig(t, 1)
	l, sock := listenNotify(t, r.dir)
	c := confs([]int{150}, nil)[0]
	// No WATCHDOG_PID: the lab starts the daemon through ip netns exec, so
	// its pid is not known beforehand; systemd's own rule then applies
	// (the interval is for whoever reads it).
	p := r.startEnv(0, "govrrpd", c, []string{"NOTIFY_SOCKET=" + sock, "WATCHDOG_USEC=400000"})
	count := func(d time.Duration) int {
		n := 0
		b := make([]byte, 512)
		for end := time.Now().Add(d); time.Now().Before(end); {
			l.SetReadDeadline(end)
			k, err := l.Read(b)
			if err != nil {
				break
			}
			if strings.Contains(string(b[:k]), "WATCHDOG=1") {
				n++
			}
		}
		return n
	}
	// 200 ms pings: 10 expected in 2 s; allow for a loaded machine.
	if n := count(2 * time.Second); n < 5 || n > 12 {
		t.Fatalf("%d watchdog pings in 2 s at WATCHDOG_USEC=400000, want about 10", n)
	}
	p.Signal(syscall.SIGSTOP)
	if n := count(time.Second); n != 0 {
		t.Errorf("%d pings while the process was stopped", n)
	}
	p.Signal(syscall.SIGCONT)
	if n := count(time.Second); n == 0 {
		t.Error("no pings after the process was continued")
	}
}

// listenNotify is systemd's end of NOTIFY_SOCKET: a datagram socket in
// dir, closed when the test ends.
func listenNotify(t *testing.T, dir string) (*net.UnixConn, string) {
	t.Helper()
	sock := filepath.Join(dir, "notify.sock")
	l, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l, sock
}

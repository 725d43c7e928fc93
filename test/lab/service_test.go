package lab_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Debian's keepalived.service is Type=notify: govrrpd started by it must
// say READY=1 once running, RELOADING=1 then READY=1 around a reload, and
// STOPPING=1 at the end.
func TestSystemdNotify(t *testing.T) {
	r := newRig(t, 1)
	l, sock := listenNotify(t, r.dir)
	msgs := make(chan string, 16)
	go func() {
		b := make([]byte, 512)
		for {
			n, err := l.Read(b)
			if err != nil {
				return
			}
			msgs <- string(b[:n])
		}
	}()
	c := confs([]int{150}, func(i int, c *instanceConf) { c.AdvertInt, c.Version = "0.1", 3 })[0]
	r.startEnv(0, "govrrpd", c, []string{"NOTIFY_SOCKET=" + sock})
	expect := func(want string) {
		t.Helper()
		select {
		case m := <-msgs:
			if m != want {
				t.Fatalf("systemd got %q, want %q", m, want)
			}
		case <-time.After(3 * time.Second):
			t.Fatalf("no %q from govrrpd", want)
		}
	}
	expect("READY=1")
	r.procs["r1"].Signal(syscall.SIGHUP)
	expect("RELOADING=1")
	expect("READY=1")
	r.procs["r1"].Signal(syscall.SIGTERM)
	expect("STOPPING=1")
}

// Without -n govrrpd returns at once and keeps running in the background,
// as keepalived does for SysV init scripts; the pid file names the daemon.
func TestDetachWithoutDontFork(t *testing.T) {
	r := newRig(t, 1)
	c := confs([]int{150}, func(i int, c *instanceConf) { c.AdvertInt, c.Version = "0.1", 3 })[0]
	path := filepath.Join(r.dir, "r1.conf")
	os.WriteFile(path, []byte(c), 0o644)
	pidFile := filepath.Join(r.dir, "main.pid")
	out, err := r.lab.Routers[0].Run(govrrpdBin, "-P", "-G", "-f", path, "-p", pidFile, "-r", filepath.Join(r.dir, "vrrp.pid"))
	if err != nil {
		t.Fatalf("govrrpd without -n: %v\n%s", err, out)
	}
	var pid int
	deadline := time.Now().Add(3 * time.Second)
	for pid == 0 {
		if b, err := os.ReadFile(pidFile); err == nil {
			pid, _ = strconv.Atoi(strings.TrimSpace(string(b)))
		}
		if time.Now().After(deadline) {
			t.Fatal("no pid file from the detached daemon")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The detached daemon is ours (started by this test through the
	// command above); it is ended by the pid it wrote.
	defer syscall.Kill(pid, syscall.SIGKILL)
	r.waitMaster(vip4, 0, 3*time.Second)
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(3 * time.Second)
	for syscall.Kill(pid, 0) == nil {
		if time.Now().After(deadline) {
			t.Fatal("detached daemon did not stop on SIGTERM")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := os.Stat(pidFile); err == nil {
		t.Fatal("pid file left behind")
	}
}

// -s NAME runs the daemon inside /run/netns/NAME, started from the host's
// own namespace, with its pid files under /run/keepalived/NAME/.
func TestNamespaceFlag(t *testing.T) {
	r := newRig(t, 1)
	c := confs([]int{150}, func(i int, c *instanceConf) { c.AdvertInt, c.Version = "0.1", 3 })[0]
	path := filepath.Join(r.dir, "r1.conf")
	os.WriteFile(path, []byte(c), 0o644)
	ns := r.lab.Routers[0].NS
	startUntilMaster(t, r, ns, "-n", "-l", "-G", "-P", "-s", ns, "-f", path)
}

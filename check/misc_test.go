package check_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/script"
	"github.com/govrrpd/govrrpd/srcpos"
)

func miscChecker(t *testing.T, spec script.Spec, dynamic bool, timeout time.Duration) check.Checker {
	return check.Checker{Kind: check.Misc, Source: srcpos.Make("t", 1), Target: rsA, DelayLoop: time.Minute,
		Settings: &check.MiscSettings{Path: spec, Dynamic: dynamic, Timeout: timeout}}
}

func argv(args ...string) script.Spec {
	return script.Spec{Raw: strings.Join(args, " "), Argv: args}
}

func TestMiscExitCodes(t *testing.T) {
	cases := []struct {
		code    string
		dynamic bool
		up      bool
		weight  int
		set     bool
	}{
		{"0", false, true, 0, false}, {"1", false, false, 0, false}, {"7", false, false, 0, false},
		{"0", true, true, 0, false}, {"1", true, false, 0, false}, {"2", true, true, 0, true},
		{"42", true, true, 40, true}, {"255", true, true, 253, true},
	}
	for _, tc := range cases {
		c := miscChecker(t, argv("/bin/sh", "-c", "exit "+tc.code), tc.dynamic, 0)
		o := probeOnce(t, c)
		if o.Up != tc.up || o.Weight != tc.weight || o.WeightSet != tc.set {
			t.Errorf("exit %s dynamic=%v: %+v", tc.code, tc.dynamic, o)
		}
	}
}

func TestMiscShellAndNoShebang(t *testing.T) {
	// No argv: the raw text goes to /bin/sh -c.
	wantUp(t, probeOnce(t, miscChecker(t, script.Spec{Raw: "test 1 -eq 1 && exit 0"}, false, 0)), true)
	wantUp(t, probeOnce(t, miscChecker(t, script.Spec{Raw: "exit 3"}, false, 0)), false)
	// A script without #! is run by the shell (ENOEXEC fallback).
	dir := t.TempDir()
	p := filepath.Join(dir, "noshebang")
	if err := os.WriteFile(p, []byte("exit \"$1\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	c := miscChecker(t, argv(p, "4"), true, 0)
	if o := probeOnce(t, c); !o.Up || o.Weight != 2 {
		t.Fatalf("no-#! script exiting 4 with misc_dynamic: %+v", o)
	}
	wantUp(t, probeOnce(t, miscChecker(t, argv(filepath.Join(dir, "missing")), false, 0)), false)
}

func TestMiscTimeoutKillsProcessGroup(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "pid")
	// The script leaves a grandchild that would outlive a plain kill.
	spec := script.Spec{Raw: "sleep 30 & echo $! > " + pidFile + "; wait"}
	c := miscChecker(t, spec, false, 300*time.Millisecond)
	c.ConnectTimeout = 300 * time.Millisecond
	start := time.Now()
	o := probeOnce(t, c)
	if o.Up || time.Since(start) > 3*time.Second {
		t.Fatalf("timed-out script: %+v after %v", o, time.Since(start))
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	var pid int
	for _, ch := range strings.TrimSpace(string(b)) {
		pid = pid*10 + int(ch-'0')
	}
	deadline := time.Now().Add(2 * time.Second)
	for alive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("grandchild %d still alive after the timeout", pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestMiscUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to switch user")
	}
	c := miscChecker(t, script.Spec{Raw: `test "$(id -u)" = 65534`, User: "nobody"}, false, 0)
	wantUp(t, probeOnce(t, c), true)
	c.Misc().Path.User = "no-such-user-govrrpd"
	if _, err := check.New(c); err == nil {
		t.Fatal("unknown user accepted")
	}
}

// alive reports whether pid runs; a zombie waiting for a reaper does not.
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := strings.LastIndexByte(string(b), ')')
	return i < 0 || i+2 >= len(b) || b[i+2] != 'Z'
}

package scriptexec

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/script"
)

func writeScript(t *testing.T, dir, body string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(dir, "s.sh")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body), mode); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRunExitCodesArgsAndShellFallback(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	p := writeScript(t, dir, `echo "$@" > `+out+"\nexit 3\n", 0o755)
	r := &Runner{}
	res := r.Run(context.Background(), script.Spec{Raw: p + " a b", Argv: []string{p, "a", "b"}}, 0, "INSTANCE", "VI_1", "MASTER", "100")
	if res.ExitCode != 3 || res.Err != nil {
		t.Fatalf("result %+v", res)
	}
	b, _ := os.ReadFile(out)
	if got := strings.TrimSpace(string(b)); got != "a b INSTANCE VI_1 MASTER 100" {
		t.Fatalf("argv %q", got)
	}
	// argv[0] not an executable file: the line goes to /bin/sh -c.
	res = r.Run(context.Background(), script.Spec{Raw: "exit 7", Argv: []string{"exit", "7"}}, 0)
	if res.ExitCode != 7 {
		t.Fatalf("shell fallback %+v", res)
	}
}

func TestRunTimeoutKillsProcessGroup(t *testing.T) {
	dir := t.TempDir()
	p := writeScript(t, dir, "sleep 30 &\nsleep 30\n", 0o755)
	r := &Runner{}
	start := time.Now()
	res := r.Run(context.Background(), script.Spec{Raw: p, Argv: []string{p}}, 200*time.Millisecond)
	if !res.TimedOut {
		t.Fatalf("want timeout, got %+v", res)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("timeout took %s: the process group was not killed", time.Since(start))
	}
}

func TestCheckSecure(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("ownership checks need root")
	}
	dir, err := os.MkdirTemp("/root", "scriptsec")
	if err != nil {
		t.Skip(err)
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o755)
	good := writeScript(t, dir, "exit 0\n", 0o755)
	if err := CheckSecure(good); err != nil {
		t.Fatalf("root-owned 0755 script refused: %v", err)
	}
	if err := os.Chmod(good, 0o757); err != nil {
		t.Fatal(err)
	}
	if err := CheckSecure(good); err == nil || !strings.Contains(err.Error(), "writable by everyone") {
		t.Fatalf("world-writable script accepted: %v", err)
	}
	os.Chmod(good, 0o755)
	os.Chmod(dir, 0o777)
	if err := CheckSecure(good); err == nil {
		t.Fatal("script in a world-writable directory accepted")
	}
	r := &Runner{Secure: true, DefaultUser: "root"}
	if res := r.Run(context.Background(), script.Spec{Raw: good, Argv: []string{good}}, time.Second); res.Err == nil {
		t.Fatal("secure runner ran an insecure script")
	}
}

// Under enable_script_security a script with no user, no script_user and
// no keepalived_script user must never run as the daemon's (root) user.
func TestRunAsDefaultUser(t *testing.T) {
	old := defaultScriptUser
	defer func() { defaultScriptUser = old }()
	spec := script.Spec{Raw: "/bin/true", Argv: []string{"/bin/true"}}
	cases := []struct {
		name    string
		r       Runner
		spec    script.Spec
		dflt    string
		user    string
		refused bool
	}{
		{"secure, nobody to run as", Runner{Secure: true}, spec, "no-such-user-h5", "", true},
		{"insecure runs as the daemon", Runner{}, spec, "no-such-user-h5", "", false},
		{"keepalived_script exists", Runner{Secure: true}, spec, "root", "root", false},
		{"script_user wins", Runner{Secure: true, DefaultUser: "nobody"}, spec, "root", "nobody", false},
		{"the script's own user wins", Runner{Secure: true}, script.Spec{Raw: "x", Argv: []string{"x"}, User: "daemon"}, "no-such-user-h5", "daemon", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			defaultScriptUser = tc.dflt
			u, _, err := tc.r.runAs(tc.spec)
			if (err != nil) != tc.refused || u != tc.user {
				t.Fatalf("runAs = %q, %v; want %q, refused %v", u, err, tc.user, tc.refused)
			}
		})
	}
}

// A script runs at the priority ChildNice gives, not the daemon's.
func TestChildNice(t *testing.T) {
	start, err := syscall.Getpriority(syscall.PRIO_PROCESS, 0)
	if err != nil {
		t.Skip(err)
	}
	want := 20 - start + 3 // raw getpriority is 20 − nice; raising needs no privilege
	if want > 19 {
		t.Skip("already at nice 17 or more")
	}
	out := filepath.Join(t.TempDir(), "stat")
	r := &Runner{ChildNice: func() (int, bool) { return want, true }}
	// The script waits a moment so that the parent's setpriority lands
	// before it reads its own stat.
	res := r.Run(context.Background(), script.Spec{Raw: "sleep 0.2; cat /proc/self/stat > " + out,
		Argv: []string{"sleep"}}, 10*time.Second)
	if res.ExitCode != 0 {
		t.Fatalf("run: %+v", res)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	if got, _ := strconv.Atoi(f[16]); got != want {
		t.Errorf("script nice %d, want %d", got, want)
	}
}

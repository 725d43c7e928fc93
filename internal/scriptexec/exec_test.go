package scriptexec

import (
	"context"
	"os"
	"path/filepath"
	"strings"
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
	r := &Runner{Secure: true}
	if res := r.Run(context.Background(), script.Spec{Raw: good, Argv: []string{good}}, time.Second); res.Err == nil {
		t.Fatal("secure runner ran an insecure script")
	}
}

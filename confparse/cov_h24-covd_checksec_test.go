package confparse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckerScriptInsecurePath: a MISC_CHECK program in a directory
// others may write adds keepalived's "There are insecure scripts." to the
// violation; the same program in a 0755 directory (under sticky /tmp)
// does not. Both as keepalived 2.2.7 -t says them.
func TestCheckerScriptInsecurePath(t *testing.T) {
	old := userExists
	userExists = func(string) bool { return false }
	defer func() { userExists = old }()
	prog := func(mode os.FileMode) string {
		dir := filepath.Join(t.TempDir(), "d")
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, "chk")
		if err := os.WriteFile(p, []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, mode); err != nil { // past the umask
			t.Fatal(err)
		}
		return p
	}
	violation := "SECURITY VIOLATION - check scripts are being executed but script_security not enabled."
	misc := func(c *Config) any { return len(c.Checkers) }
	slRun(t, []slRow{
		{"world-writable directory", slCk("MISC_CHECK", "misc_path "+prog(0o777)), misc, 1,
			[]slDiag{{Security, lineCk - 1, violation + " There are insecure scripts."}}},
		{"0755 directory", slCk("MISC_CHECK", "misc_path "+prog(0o755)), misc, 1,
			[]slDiag{{Security, lineCk - 1, violation}}},
	})
	// slExpect matches a piece of the message: the secure directory must
	// not have the insecure tail.
	_, ds := lvsLoad(t, slCk("MISC_CHECK", "misc_path "+prog(0o755)))
	for _, d := range ds {
		if strings.Contains(d.Msg, "insecure") {
			t.Errorf("0755 directory called insecure: %s", d)
		}
	}
}

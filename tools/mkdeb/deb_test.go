package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goreleaser/nfpm/v2/files"
)

// Every file the package takes from the repository exists (run from the
// repository root, as make deb does), the unit and the man pages land
// where Debian looks, and the only conffile is /etc/default/govrrpd.
func TestContents(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(root)
	stage := t.TempDir()
	want := map[string]bool{
		"/usr/sbin/govrrpd": false, "/usr/libexec/govrrpd/govrrpd-bgp": false, "/usr/libexec/govrrpd/govrrpd-check": false, "/usr/libexec/govrrpd/govrrpd-ops": false,
		"/lib/systemd/system/govrrpd.service": false, "/etc/default/govrrpd": false,
		"/usr/share/man/man8/govrrpd.8.gz": false, "/usr/share/man/man5/govrrpd.conf.5.gz": false,
		"/usr/share/doc/govrrpd/examples/keepalived.conf": false,
	}
	cs, err := contents(stage)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if _, ok := want[c.Destination]; ok {
			want[c.Destination] = true
		}
		if c.Type == files.TypeConfig && c.Destination != "/etc/default/govrrpd" {
			t.Errorf("unexpected conffile %s", c.Destination)
		}
		if c.Destination == "/etc/default/govrrpd" && c.Type != files.TypeConfig {
			t.Error("/etc/default/govrrpd is not a conffile")
		}
		if strings.HasPrefix(c.Source, stage) {
			continue // built by mkdeb
		}
		if _, err := os.Stat(c.Source); err != nil {
			t.Errorf("%s: %v", c.Destination, err)
		}
	}
	for dst, seen := range want {
		if !seen {
			t.Errorf("%s is not in the package", dst)
		}
	}
	for _, s := range []string{"dist/deb/postinst", "dist/deb/prerm", "dist/deb/postrm"} {
		if st, err := os.Stat(s); err != nil || st.Mode()&0o111 == 0 {
			t.Errorf("maintainer script %s missing or not executable: %v", s, err)
		}
	}
}

// The unit carries what issue #17 asks of it; check.sh runs it for real.
func TestUnitDirectives(t *testing.T) {
	b, err := os.ReadFile("../../dist/govrrpd.service")
	if err != nil {
		t.Fatal(err)
	}
	unit := map[string]string{}
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, "="); ok && !strings.HasPrefix(l, "#") {
			unit[k] = v
		}
	}
	for k, want := range map[string]string{
		"Type": "notify", "ExecReload": "/bin/kill -HUP $MAINPID", "Conflicts": "keepalived.service",
		"ProtectSystem": "strict", "RuntimeDirectory": "govrrpd", "EnvironmentFile": "-/etc/default/govrrpd",
	} {
		if unit[k] != want {
			t.Errorf("%s=%q, want %q", k, unit[k], want)
		}
	}
	if unit["WatchdogSec"] == "" {
		t.Error("no WatchdogSec=")
	}
	for _, c := range []string{"CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_NET_BIND_SERVICE"} {
		if !strings.Contains(unit["CapabilityBoundingSet"], c) {
			t.Errorf("CapabilityBoundingSet lacks %s", c)
		}
	}
	start := unit["ExecStart"]
	if !strings.HasPrefix(start, "/usr/sbin/govrrpd --dont-fork ") || !strings.HasSuffix(start, " $DAEMON_ARGS") {
		t.Errorf("ExecStart=%s", start)
	}
	for _, f := range strings.Fields(start) {
		if _, path, ok := strings.Cut(f, "pid="); ok && !strings.HasPrefix(path, "/run/govrrpd/") {
			t.Errorf("pid file %s outside RuntimeDirectory /run/govrrpd (ProtectSystem=strict makes /run read-only)", path)
		}
	}
}

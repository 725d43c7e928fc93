package confparse

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/vrrp"
)

// Helpers of the VRRP-side semantic tables (sem_vrrp_*_test.go,
// sem_global_defs_test.go): each row is a configuration, a check of the
// field it must set, and every message it must give, with its severity,
// its line and a piece of its text.

// want is one diagnostic a row expects.
type want struct {
	sev  Severity
	line int
	msg  string
}

func warnAt(line int, msg string) want { return want{Warning, line, msg} }
func infoAt(line int, msg string) want { return want{Info, line, msg} }
func stopAt(line int, msg string) want { return want{Stop, line, msg} }

// semRow is one configuration. ok checks the parsed settings (nil: none
// checked); diags is every message above Info the load must give, and
// whichever Info messages the row cares about.
type semRow struct {
	name  string
	src   string
	ok    func(*Config) bool
	diags []want
}

// instBody is the line of the first body statement inside inst().
const instBody = 7

func runSemRows(t *testing.T, rows []semRow) {
	t.Helper()
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			c, d := loadSem(t, r.src)
			if r.ok != nil && !r.ok(c) {
				t.Errorf("settings wrong for\n%s\ninstances %+v\nscripts %+v processes %+v files %+v groups %+v",
					r.src, c.Instances, c.Scripts, c.Processes, c.Files, c.SyncGroups)
			}
			matchDiags(t, d, r.diags)
		})
	}
}

// loadSem is loadString without keepalived's resolution of scripts on this
// host (TestScriptSecurity has that), so that a tracked script need not
// exist to be tracked.
func loadSem(t *testing.T, src string) (*Config, Diagnostics) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "keepalived.conf")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return Load(p, Options{CheckInterfaces: true, ElsewhereScripts: true,
		InterfaceExists: func(n string) bool { return !strings.HasPrefix(n, "missing") }})
}

// matchDiags pairs each wanted message with one diagnostic given, at
// keepalived.conf:LINE, and fails on any diagnostic above Info left over.
func matchDiags(t *testing.T, got Diagnostics, wants []want) {
	t.Helper()
	used := make([]bool, len(got))
	for _, w := range wants {
		found := false
		for i, d := range got {
			if used[i] || d.Severity != w.sev || d.Pos.Line != w.line || !strings.Contains(d.Msg, w.msg) {
				continue
			}
			if filepath.Base(d.Pos.File) != "keepalived.conf" {
				t.Errorf("%s: no file named", d)
			}
			used[i], found = true, true
			break
		}
		if !found {
			t.Errorf("missing %s at line %d: %q; got:\n%s", w.sev, w.line, w.msg, got)
		}
	}
	for i, d := range got {
		if !used[i] && d.Severity != Info {
			t.Errorf("unexpected %s", d)
		}
	}
}

// in0 checks the first (only) instance.
func in0(f func(i vrrp.Instance) bool) func(*Config) bool {
	return func(c *Config) bool { return len(c.Instances) > 0 && f(c.Instances[0]) }
}

// noInstances is true when every instance was dropped.
func noInstances(c *Config) bool { return len(c.Instances) == 0 }

// gdefs is a global_defs block of the given lines; its first line is 2.
func gdefs(lines ...string) string {
	return "global_defs {\n " + strings.Join(lines, "\n ") + "\n}\n"
}

// instN is inst() named VI_n with VRID 50+n, for configurations with
// several instances.
func instN(n int, body string) string {
	return strings.Replace(strings.Replace(inst(body), "VI_1", fmt.Sprintf("VI_%d", n), 1),
		"virtual_router_id 51", fmt.Sprintf("virtual_router_id %d", 50+n), 1)
}

// scriptDef is a vrrp_script block with the given body lines after its
// script line: 3+len(lines) lines long.
func scriptDef(name string, lines ...string) string {
	var b strings.Builder
	b.WriteString("vrrp_script " + name + " {\n script /nonexistent/" + name + "\n")
	for _, l := range lines {
		b.WriteString(" " + l + "\n")
	}
	return b.String() + "}\n"
}

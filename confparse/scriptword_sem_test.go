package confparse

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestScriptLegacyNote: every script string whose argv keepalived 2.2.7
// would read differently gets a message at its file:line saying what 2.2.7
// passes instead; one that reads the same gets none; and -t's status stays
// 0, as both keepalived versions accept the file.
func TestScriptLegacyNote(t *testing.T) {
	src := `global_defs {
  script_user root
}
vrrp_script chk {
  script "/bin/check '^HTTP/1\\.[01]'"
}
vrrp_script same {
  script "/bin/check \x41 'a b'"
}
vrrp_script gone {
  script "/bin/check 'a\\q"
}
vrrp_instance V {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority 100
  virtual_ipaddress {
    192.0.2.10/32
  }
  track_script {
    chk
    same
  }
  notify_master "/bin/notify 'a\'b'"
}
virtual_server 192.0.2.10 80 {
  lb_algo rr
  lb_kind DR
  protocol TCP
  real_server 198.51.100.1 80 {
    notify_up "/bin/up \x414"
    MISC_CHECK {
      misc_path "/bin/misc \"x y\""
    }
  }
}
`
	p := filepath.Join(t.TempDir(), "keepalived.conf")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, diags := Load(p, Options{ElsewhereScripts: true})
	// only the line keepalived 2.3.2 and later refuse changes the status
	if code := diags.ExitCode(); code != int(Warning) {
		t.Errorf("exit code %d, want %d:\n%s", code, Warning, diags)
	}
	want := map[int]string{
		5:  `script: keepalived before 2.3.2 decodes escapes twice and would pass argument 1 "^HTTP/1.[01]" instead of "^HTTP/1\\.[01]"`,
		11: `script: keepalived before 2.3.2 decodes escapes twice and would run ["/bin/check" "aq"]`,
		25: `notify_master: keepalived before 2.3.2 decodes escapes twice and would pass argument 1 "ab" instead of "a'b"`,
		32: `notify_up: keepalived before 2.3.2 decodes escapes twice and would pass argument 1 "\x14" instead of "A4"`,
		34: `misc_path: keepalived before 2.3.2 decodes escapes twice and would run ["/bin/misc" "x y"] instead of ["/bin/misc" "\"x" "y\""]`,
	}
	for _, d := range diags {
		if d.Severity != Info {
			if !strings.Contains(d.Msg, "missing terminating quote") && !strings.Contains(d.Msg, "vrrp_script gone - removing") {
				t.Errorf("unexpected %s", d)
			}
			continue
		}
		if d.Pos.File != p || d.Severity != Info || want[d.Pos.Line] != d.Msg {
			t.Errorf("unexpected %s (%s)", d, d.Severity)
		}
		delete(want, d.Pos.Line)
	}
	for line, msg := range want {
		t.Errorf("missing at %s:%d: %s", p, line, msg)
	}
	got := fmt.Sprintf("%q %q", cfg.Scripts[0].Script.Argv, cfg.Instances[0].Notifies().Master.Argv)
	if w := fmt.Sprintf("%q %q", []string{"/bin/check", `^HTTP/1\.[01]`}, []string{"/bin/notify", "a'b"}); got != w {
		t.Errorf("argv %s, want %s", got, w)
	}
	if misc := cfg.Checkers[0].Misc().Path.Argv; !slices.Equal(misc, []string{"/bin/misc", `"x`, `y"`}) {
		t.Errorf("misc_path argv %q", misc)
	}
}

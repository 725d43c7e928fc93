package deps

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// opsCommandCode is the code of the commands govrrpd hands to govrrpd-ops
// (status, plan, ctl, genhash; cmd/govrrpd/opsexec.go), by symbol prefix:
// the API's client, the commands themselves and status's tables. govrrpd
// execs the helper for them, so its binary links none of it. The
// package-level rules cannot say this: internal/control also holds the
// server the daemon still links (docs/scale.md, "Session 9: the commands
// in govrrpd-ops").
var opsCommandCode = map[string]string{
	module + "/internal/control.(*Client).": "the API's client: status, plan and ctl run in govrrpd-ops",
	"main.statusMain":                       "govrrpd status runs in govrrpd-ops",
	"main.planMain":                         "govrrpd plan runs in govrrpd-ops",
	"main.ctlMain":                          "govrrpd ctl runs in govrrpd-ops",
	"main.genhashMain":                      "govrrpd genhash (-T) runs in govrrpd-ops",
	"main.renderStatus":                     "status's tables are drawn in govrrpd-ops",
	"text/tabwriter.":                       "only status's tables used it",
}

// symbols builds pkg and lists its binary's symbol names.
func symbols(t *testing.T, pkg string) []string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), filepath.Base(pkg))
	build := exec.Command("go", "build", "-o", bin, module+"/"+pkg)
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	out, err := exec.Command("go", "tool", "nm", bin).Output()
	if err != nil {
		t.Fatalf("go tool nm %s: %v", pkg, err)
	}
	var syms []string
	for l := range strings.Lines(string(out)) {
		if f := strings.Fields(l); len(f) >= 3 {
			syms = append(syms, f[2])
		}
	}
	return syms
}

// linked lists the prefixes of opsCommandCode that name a symbol of syms.
func linked(syms []string) map[string]bool {
	found := map[string]bool{}
	for _, s := range syms {
		for p := range opsCommandCode {
			if strings.HasPrefix(s, p) {
				found[p] = true
			}
		}
	}
	return found
}

// TestOpsCommandsStayInHelper: govrrpd links none of the commands' code;
// govrrpd-ops links all of it, which shows the names are still the
// code's (a rename would otherwise pass unnoticed).
func TestOpsCommandsStayInHelper(t *testing.T) {
	for p := range linked(symbols(t, "cmd/govrrpd")) {
		t.Errorf("cmd/govrrpd links %s...: %s", p, opsCommandCode[p])
	}
	inHelper := linked(symbols(t, "cmd/govrrpd-ops"))
	for p := range opsCommandCode {
		if !inHelper[p] {
			t.Errorf("cmd/govrrpd-ops links no %s...: the rule names code that no longer exists; update opsCommandCode", p)
		}
	}
}

package deps

import (
	"maps"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// opsStd are the standard library's HTTP, TLS, certificate and template
// packages. Their initialisers and code are the largest part of the
// daemon's resident binary that VRRP and IPVS never run: a build of
// cmd/govrrpd without them is 10.1 MiB idle against 14.9 (keepalived
// 12.8) — docs/scale.md, "Session 8: the binary's resident pages".
var opsStd = []string{"net/http", "crypto/tls", "crypto/x509", "html/template", "text/template"}

// opsImporters are the packages allowed to import opsStd, all of them
// linked only by the helpers: the API and console server (control,
// console, opsserve), the metrics page (metrics/metricshttp), the
// HTTP_GET/SSL_GET fetcher (check/httpcheck) and the helpers' commands.
// The daemon links none of them (TestDaemonLinksNoOpsStd); a new importer
// elsewhere would soon tie that code to the daemon's binary again.
var opsImporters = []string{"internal/control", "internal/console", "internal/opsserve", "internal/metrics/metricshttp",
	"check/httpcheck", "cmd/govrrpd-ops", "cmd/govrrpd-check"}

// opsImportViolations lists the module packages in imports (a package to
// its direct imports) that import an opsStd package without being one of
// opsImporters.
func opsImportViolations(imports map[string][]string) []string {
	var out []string
	for _, pkg := range slices.Sorted(maps.Keys(imports)) {
		if rel(pkg) == pkg || slices.Contains(opsImporters, rel(pkg)) {
			continue
		}
		for _, imp := range imports[pkg] {
			if slices.Contains(opsStd, imp) {
				out = append(out, rel(pkg)+" imports "+imp)
			}
		}
	}
	return out
}

// helpersWithHTTP are the commands that link opsStd on purpose.
var helpersWithHTTP = []string{"cmd/govrrpd-ops", "cmd/govrrpd-check"}

func TestOpsImportsStayInOpsPackages(t *testing.T) {
	args := []string{"list", "-deps", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`}
	for _, h := range helpersWithHTTP {
		args = append(args, module+"/"+h)
	}
	out, err := exec.Command("go", args...).Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	imports := map[string][]string{}
	for line := range strings.Lines(string(out)) {
		if f := strings.Fields(line); len(f) > 0 {
			imports[f[0]] = f[1:]
		}
	}
	if !slices.Contains(imports[module+"/internal/control"], "net/http") {
		t.Fatalf("go list reports no net/http import for internal/control; the walk is broken")
	}
	for _, v := range opsImportViolations(imports) {
		t.Errorf("%s: only %s import %s (docs/scale.md, Session 9)", v,
			strings.Join(opsImporters, ", "), strings.Join(opsStd, ", "))
	}
}

// TestDaemonLinksNoOpsStd is the split itself: govrrpd's binary links
// none of opsStd, so a daemon nobody is asking anything of does not carry
// their code and initialisers (idle 13.3 -> 10.6 MB, 16 x 255 20.7 ->
// 18.2 MB: docs/scale.md, Session 9). They run in govrrpd-ops and
// govrrpd-check, started when needed.
func TestDaemonLinksNoOpsStd(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", module+"/cmd/govrrpd").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := strings.Fields(string(out))
	if !slices.Contains(deps, module+"/internal/daemon") || !slices.Contains(deps, "net") {
		t.Fatalf("go list -deps lists no internal/daemon or net for cmd/govrrpd; the walk is broken")
	}
	for _, d := range deps {
		if slices.Contains(opsStd, d) {
			t.Errorf("cmd/govrrpd links %s: it belongs in govrrpd-ops or govrrpd-check (%s)", d, whoImports(t, d))
		}
	}
}

// whoImports names the packages of cmd/govrrpd's build importing imp
// directly, for the failure message.
func whoImports(t *testing.T, imp string) string {
	out, err := exec.Command("go", "list", "-deps", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`,
		module+"/cmd/govrrpd").Output()
	if err != nil {
		return err.Error()
	}
	var who []string
	for line := range strings.Lines(string(out)) {
		if f := strings.Fields(line); len(f) > 0 && slices.Contains(f[1:], imp) {
			who = append(who, f[0])
		}
	}
	return "imported by " + strings.Join(who, ", ")
}

// The check fires for a daemon package importing any of opsStd, and
// leaves the allowed importers and the standard library alone.
func TestOpsImportViolationsCatch(t *testing.T) {
	cases := []struct {
		pkg, imp string
		bad      bool
	}{
		{module + "/internal/daemon", "net/http", true},
		{module + "/vrrp", "crypto/tls", true},
		{module + "/internal/lvs", "crypto/x509", true},
		{module + "/internal/notify", "text/template", true},
		{module + "/confparse", "html/template", true},
		{module + "/internal/control", "net/http", false},
		{module + "/internal/console", "html/template", false},
		{module + "/internal/metrics", "net/http", true},
		{module + "/internal/metrics/metricshttp", "net/http", false},
		{module + "/check", "crypto/tls", true},
		{module + "/check", "net/http", true},
		{module + "/internal/checkproc", "crypto/x509", true},
		{module + "/internal/opsproc", "net/http", true},
		{module + "/check/httpcheck", "crypto/tls", false},
		{module + "/cmd/govrrpd", "crypto/tls", true},
		{module + "/cmd/govrrpd-ops", "net/http", false},
		{module + "/internal/daemon", "net", false},
		{"net/http/httputil", "net/http", false},
	}
	for _, c := range cases {
		got := len(opsImportViolations(map[string][]string{c.pkg: {c.imp}})) > 0
		if got != c.bad {
			t.Errorf("%s -> %s: flagged = %v, want %v", c.pkg, c.imp, got, c.bad)
		}
	}
}

// daemonOpsSide are the packages the daemon links to keep its operations
// listeners and answer govrrpd-ops (docs/scale.md, "Session 9"): none of
// them may reach net/http, TLS, certificates or templates, even through
// another package, or the helper split keeps nothing out of the daemon.
var daemonOpsSide = []string{"internal/ctlapi", "internal/opsproc", "internal/opswire", "internal/metrics",
	"internal/livefollow", "internal/status"}

func TestDaemonOpsSideWithoutHTTP(t *testing.T) {
	args := []string{"list", "-deps", "-f", "{{.ImportPath}}"}
	for _, p := range daemonOpsSide {
		args = append(args, module+"/"+p)
	}
	out, err := exec.Command("go", args...).Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := strings.Fields(string(out))
	if !slices.Contains(deps, module+"/internal/opsproc") {
		t.Fatalf("go list does not list the packages themselves; the walk is broken")
	}
	for _, d := range deps {
		if slices.Contains(opsStd, d) {
			t.Errorf("%s links %s", strings.Join(daemonOpsSide, ", "), d)
		}
	}
}
